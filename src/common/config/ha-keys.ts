// Replication keys (BrokerConfig / MessageStoreConfig, RocketMQ's names and defaults), and the
// KiteMQ additions that make the classic HA link safer: haAuthToken and haSyncFromLastFile;
// slaveSyncInterval makes RocketMQ's fixed metadata-sync period a setting.
import {
  DEFAULT_ACCESS_MESSAGE_IN_MEMORY_MAX_RATIO,
  DEFAULT_HA_HOUSEKEEPING_INTERVAL_MS,
  DEFAULT_HA_MAX_GAP_NOT_IN_SYNC,
  DEFAULT_HA_SEND_HEARTBEAT_INTERVAL_MS,
  DEFAULT_HA_TRANSFER_BATCH_SIZE,
  DEFAULT_SLAVE_TIMEOUT_MS,
  HA_PORT_OFFSET,
  SLAVE_SYNC_INTERVAL_MS,
} from '../limits.js';
import type { BrokerConfig } from './broker-config.js';
import type { Schema } from './schema.js';

type Keys = Partial<Schema<BrokerConfig>>;

export const brokerHaKeys = {
  haListenPort: {
    type: 'int',
    default: (c) => (c.listenPort === 0 ? 0 : c.listenPort + HA_PORT_OFFSET),
    defaultText: 'listenPort + 1 (0 when listenPort is 0: a free port)',
    min: 0,
    max: 65535,
    doc: 'Port a master serves its slaves on (the classic HA protocol); registered as haServerAddr.',
  },
  haMasterAddress: {
    type: 'string',
    default: '',
    doc: 'A slave follows this host:port HA address; empty: the one the name server answers.',
  },
  haSendHeartbeatInterval: {
    type: 'long',
    default: DEFAULT_HA_SEND_HEARTBEAT_INTERVAL_MS,
    unit: 'ms',
    min: 100,
    doc: 'An idle master sends its slave an empty transfer header this often.',
  },
  haHousekeepingInterval: {
    type: 'long',
    default: DEFAULT_HA_HOUSEKEEPING_INTERVAL_MS,
    unit: 'ms',
    min: 500,
    doc: 'Either end closes the HA link when nothing was read for this long.',
  },
  haTransferBatchSize: {
    type: 'int',
    default: DEFAULT_HA_TRANSFER_BATCH_SIZE,
    unit: 'bytes',
    min: 1024,
    doc: 'Commit-log bytes per transfer frame at most.',
  },
  haMaxGapNotInSync: {
    type: 'long',
    default: DEFAULT_HA_MAX_GAP_NOT_IN_SYNC,
    unit: 'bytes',
    min: 0,
    aliases: ['haSlaveFallbehindMax'],
    doc: 'A SYNC_MASTER whose slave is further behind answers SLAVE_NOT_AVAILABLE at once (4.x: haSlaveFallbehindMax).',
  },
  slaveTimeout: {
    type: 'long',
    default: DEFAULT_SLAVE_TIMEOUT_MS,
    unit: 'ms',
    min: 1,
    doc: 'A SYNC_MASTER send waits this long for its slave to have the bytes, then answers FLUSH_SLAVE_TIMEOUT.',
  },
  haAuthToken: {
    type: 'string',
    default: '',
    doc: 'KiteMQ: set on master and slave, the HA link opens with an HMAC challenge. Empty: classic link.',
  },
  haSyncFromLastFile: {
    type: 'bool',
    default: false,
    doc: "KiteMQ: a new, empty slave starts at the master's last commit-log file (RocketMQ's behaviour) instead of the whole history.",
  },
  slaveSyncInterval: {
    type: 'long',
    default: SLAVE_SYNC_INTERVAL_MS,
    unit: 'ms',
    min: 100,
    doc: "KiteMQ: a slave pulls its master's topics, offsets, delay offsets and groups this often (RocketMQ: fixed 10 s).",
  },
  slaveReadEnable: {
    type: 'bool',
    default: false,
    doc: 'Pulls far behind (see accessMessageInMemoryMaxRatio) are told to read from the slave (whichBrokerWhenConsumeSlowly).',
  },
  accessMessageInMemoryMaxRatio: {
    type: 'int',
    default: DEFAULT_ACCESS_MESSAGE_IN_MEMORY_MAX_RATIO,
    unit: '%',
    min: 1,
    max: 100,
    doc: 'A pull further behind the log end than this share of RAM is consuming slowly.',
  },
} satisfies Keys;
