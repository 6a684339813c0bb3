// MessageStoreConfig keys KiteMQ honours (RocketMQ's spelling and defaults): where the store
// lives and how it writes, flushes, keeps and indexes messages, and the delay and timer keys.
// Defaults shared with the store come from limits.ts, so the two cannot drift.
import {
  CQ_UNIT_SIZE_BYTES,
  DEFAULT_CLEAN_FILE_FORCIBLY_ENABLE,
  DEFAULT_CLEAN_RESOURCE_INTERVAL_MS,
  DEFAULT_COMMIT_LOG_FILE_SIZE_BYTES,
  DEFAULT_CONSUME_QUEUE_FILE_SIZE_BYTES,
  DEFAULT_DELETE_WHEN,
  DEFAULT_DISK_MAX_USED_SPACE_RATIO,
  DEFAULT_DISK_SPACE_CLEAN_FORCIBLY_RATIO,
  DEFAULT_DISK_SPACE_WARNING_LEVEL_RATIO,
  DEFAULT_FILE_RESERVED_TIME_HOURS,
  DEFAULT_FLUSH_COMMIT_LOG_LEAST_PAGES,
  DEFAULT_FLUSH_INTERVAL_COMMIT_LOG_MS,
  DEFAULT_MAX_HASH_SLOT_NUM,
  DEFAULT_MAX_INDEX_NUM,
  DEFAULT_MAX_MESSAGE_SIZE_BYTES,
  DEFAULT_SYNC_FLUSH_TIMEOUT_MS,
  FRAME_MAX_LENGTH_BYTES,
} from '../limits.js';
import type { BrokerConfig, ConfigEnv } from './broker-config.js';
import { nonEmpty } from './checks.js';
import type { Schema } from './schema.js';

type Keys = Partial<Schema<BrokerConfig>>;

const DELAY_LEVEL = /^\d+[smhd]$/;
const HOUR = /^([01]?\d|2[0-3])$/;

export function storePathKeys(env: ConfigEnv) {
  return {
    storePathRootDir: {
      type: 'string',
      default: `${env.homeDir}/store`,
      defaultText: '$HOME/store',
      doc: 'Root of the store: commit log, consume queues, checkpoint, metadata (config/).',
      check: nonEmpty,
    },
    storePathCommitLog: {
      type: 'string',
      default: (c) => `${c.storePathRootDir}/commitlog`,
      defaultText: '<storePathRootDir>/commitlog',
      doc: 'Directory of the commit log segments.',
      check: nonEmpty,
    },
  } satisfies Keys;
}

export const storeFileKeys = {
  flushDiskType: {
    type: 'enum',
    default: 'ASYNC_FLUSH',
    values: ['ASYNC_FLUSH', 'SYNC_FLUSH'],
    doc: 'SYNC_FLUSH answers a send only after fsync; ASYNC_FLUSH flushes on an interval.',
  },
  mapedFileSizeCommitLog: {
    type: 'int',
    default: DEFAULT_COMMIT_LOG_FILE_SIZE_BYTES,
    unit: 'bytes',
    min: 4096,
    aliases: ['mappedFileSizeCommitLog'],
    doc: 'Size of one commit log segment (also accepted as mappedFileSizeCommitLog).',
  },
  mapedFileSizeConsumeQueue: {
    type: 'int',
    default: DEFAULT_CONSUME_QUEUE_FILE_SIZE_BYTES,
    unit: 'bytes',
    min: CQ_UNIT_SIZE_BYTES,
    aliases: ['mappedFileSizeConsumeQueue'],
    doc: 'Size of one consume queue segment, a multiple of 20 (300,000 units by default).',
    check: (v) =>
      v % CQ_UNIT_SIZE_BYTES === 0 ? undefined : `a multiple of ${CQ_UNIT_SIZE_BYTES}`,
  },
  flushIntervalCommitLog: {
    type: 'int',
    default: DEFAULT_FLUSH_INTERVAL_COMMIT_LOG_MS,
    unit: 'ms',
    min: 1,
    doc: 'ASYNC_FLUSH: how often the commit log is flushed.',
  },
  flushCommitLogLeastPages: {
    type: 'int',
    default: DEFAULT_FLUSH_COMMIT_LOG_LEAST_PAGES,
    unit: 'pages',
    min: 0,
    doc: 'ASYNC_FLUSH: flush only when at least this many 4 KiB pages are dirty.',
  },
  syncFlushTimeout: {
    type: 'long',
    default: DEFAULT_SYNC_FLUSH_TIMEOUT_MS,
    unit: 'ms',
    min: 1,
    doc: 'SYNC_FLUSH: a send waiting longer for fsync is answered FLUSH_DISK_TIMEOUT.',
  },
  maxMessageSize: {
    type: 'int',
    default: DEFAULT_MAX_MESSAGE_SIZE_BYTES,
    unit: 'bytes',
    min: 1,
    max: FRAME_MAX_LENGTH_BYTES - 64 * 1024,
    doc: 'Largest message body a producer may send.',
  },
} satisfies Keys;

export const storeRetentionKeys = {
  deleteWhen: {
    type: 'string',
    default: DEFAULT_DELETE_WHEN,
    doc: 'Hour(s) of the day expired files are deleted, e.g. 04 or 04;16.',
    check: (v) => (v.split(';').every((h) => HOUR.test(h)) ? undefined : 'hours 00-23 split by ;'),
  },
  fileReservedTime: {
    type: 'int',
    default: DEFAULT_FILE_RESERVED_TIME_HOURS,
    unit: 'hours',
    min: 0,
    doc:
      'How long commit log files are kept after their last write, and how long a half message ' +
      'waits for its decision before it is discarded to TRANS_CHECK_MAX_TIME_TOPIC.',
  },
  diskMaxUsedSpaceRatio: {
    type: 'int',
    default: DEFAULT_DISK_MAX_USED_SPACE_RATIO,
    unit: '%',
    min: 10,
    max: 95,
    doc: 'Disk usage above which expired files are deleted at any hour, not only at deleteWhen.',
  },
  diskSpaceWarningLevelRatio: {
    type: 'int',
    default: DEFAULT_DISK_SPACE_WARNING_LEVEL_RATIO,
    unit: '%',
    min: 10,
    max: 99,
    doc: 'Disk usage above which writes are refused (SERVICE_NOT_AVAILABLE); reads go on.',
  },
  diskSpaceCleanForciblyRatio: {
    type: 'int',
    default: DEFAULT_DISK_SPACE_CLEAN_FORCIBLY_RATIO,
    unit: '%',
    min: 10,
    max: 99,
    doc: 'Disk usage above which the oldest files are deleted even if not expired.',
  },
  cleanFileForciblyEnable: {
    type: 'bool',
    default: DEFAULT_CLEAN_FILE_FORCIBLY_ENABLE,
    doc: 'Allow forced cleaning past diskSpaceCleanForciblyRatio (off: only expired files go).',
  },
  cleanResourceInterval: {
    type: 'int',
    default: DEFAULT_CLEAN_RESOURCE_INTERVAL_MS,
    unit: 'ms',
    min: 10,
    doc: 'How often disk usage is checked and expired files are deleted.',
  },
  messageIndexEnable: {
    type: 'bool',
    default: true,
    doc: 'Build the key index (KEYS and UNIQ_KEY) for QUERY_MESSAGE; off, puts cost ~25% less CPU.',
  },
  maxHashSlotNum: {
    type: 'int',
    default: DEFAULT_MAX_HASH_SLOT_NUM,
    min: 1,
    doc: 'Hash slots of one key-index file (4 bytes each).',
  },
  maxIndexNum: {
    type: 'int',
    default: DEFAULT_MAX_INDEX_NUM,
    min: 1,
    doc: 'Entries of one key-index file (20 bytes each); a full file rolls.',
  },
} satisfies Keys;

export const storeDelayKeys = {
  messageDelayLevel: {
    type: 'string',
    default: '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h',
    doc:
      'Delay of each DELAY level (1, 2, …; s, m, h, d): SCHEDULE_TOPIC_XXXX queue n-1 holds ' +
      'level n; retries wait level 3 + reconsumeTimes, capped at the last level.',
    check: (v) =>
      v
        .trim()
        .split(/\s+/)
        .every((t) => DELAY_LEVEL.test(t) && Number.isSafeInteger(Number.parseInt(t, 10) * 864e5))
        ? undefined
        : 'space-separated durations such as 1s 5m 2h',
  },
  timerMaxDelaySec: {
    type: 'int',
    default: 259_200,
    unit: 's',
    min: 1,
    doc: 'Furthest delivery time a timer message (TIMER_DELIVER_MS, TIMER_DELAY_SEC/_MS) may ask for; 3 days.',
  },
  timerWheelEnable: {
    type: 'bool',
    default: true,
    doc:
      'Deliver timer messages through the timer wheel (rmq_sys_wheel_timer, timerwheel, ' +
      'timerlog/), to the millisecond. When false, RocketMQ refuses them; KiteMQ moves them ' +
      'along the delay levels instead, late by up to the first level.',
  },
  timerPrecisionMs: {
    type: 'int',
    default: 1_000,
    unit: 'ms',
    min: 10,
    max: 60_000,
    doc:
      'Width of a timer-wheel slot. Messages are still put back at their own millisecond, ' +
      'never before; a message sent for a slot already being delivered waits for the next ' +
      'one. A slot holding more than 1024 messages is read 1024 at a time, newest first, so ' +
      'some of them come up to one slot late and after later-due ones: late, never early. ' +
      'RocketMQ rounds to 100, 200, 500 or 1000; KiteMQ takes the value as given.',
  },
  timerRollWindowSlot: {
    type: 'int',
    default: 172_800,
    min: 2,
    max: 8_388_608,
    doc:
      'Slots in the timer wheel (× timerPrecisionMs: 2 days by default; 16 bytes of memory ' +
      'each). A message due later waits in the last slot and is rolled: stored again.',
  },
} satisfies Keys;
