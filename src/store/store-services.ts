// The services one store is built of (DefaultMessageStore's constructor): the commit log and its
// write rounds, consume queues, checkpoint, deleted-topic record, key index, flusher, clean
// service and the dispatcher list, wired with the options' sizes and RocketMQ's defaults.
import { join } from 'node:path';
import { DEFAULT_MAX_HASH_SLOT_NUM, DEFAULT_MAX_INDEX_NUM } from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import { StoreCheckpoint } from './checkpoint.js';
import { type CleanOptions, CleanService, DEFAULT_CLEAN_OPTIONS } from './clean-service.js';
import { CommitLog } from './commit-log.js';
import { CommitService, type RoundHooks } from './commit-service.js';
import { ConsumeQueueTable } from './consume-queue-table.js';
import { DeletedTopics } from './deleted-topics.js';
import { type CommitLogDispatcher, IndexDispatcher } from './dispatcher.js';
import type { FileIO } from './file-io.js';
import { FlushService } from './flush-service.js';
import { IndexService } from './index-service.js';

export interface MessageStoreOptions {
  storePathRootDir: string;
  /** Commit log directory; <storePathRootDir>/commitlog by default. */
  storePathCommitLog?: string;
  mappedFileSizeCommitLog: number;
  mappedFileSizeConsumeQueue: number;
  flushDiskType: 'ASYNC_FLUSH' | 'SYNC_FLUSH';
  flushIntervalCommitLog: number;
  flushCommitLogLeastPages: number;
  syncFlushTimeout: number;
  maxMessageSize: number;
  logger: Logger;
  /** Build the key index (RocketMQ messageIndexEnable); default true. */
  messageIndexEnable?: boolean;
  /** Key index sizes (RocketMQ maxHashSlotNum / maxIndexNum); limits.ts has the defaults. */
  maxHashSlotNum?: number;
  maxIndexNum?: number;
  /** Pull caps (maxTransfer{Count,Bytes}OnMessageIn{Memory,Disk}); limits.ts has the defaults. */
  transfer?: Partial<TransferLimits>;
  /** Retention and disk watermarks; RocketMQ's defaults for what is left out. */
  clean?: Partial<Omit<CleanOptions, 'now'>>;
  /**
   * Dispatchers run after the consume queues and the key index, from the open on: recovery's
   * re-dispatch reaches them too (MessageStore#addDispatcher adds one later, for new records).
   */
  dispatchers?: readonly CommitLogDispatcher[];
  /** Injected for fault simulation; node:fs by default. */
  fileIO?: FileIO;
  /**
   * Whether a topic's queues are batch consume queues (the broker's `queue.type=BatchCQ`): asked
   * when a queue is first made; an existing queue keeps the kind of its directory.
   */
  isBatchCqTopic?: (topic: string) => boolean;
  /**
   * Set on a slave (brokerRole=SLAVE): every put is refused, raw appends from its master still
   * run (DefaultMessageStore#putMessage checks the role before anything else).
   */
  slave?: { readonly brokerName: string; readonly brokerId: number };
}

export interface TransferLimits {
  countInMemory: number;
  bytesInMemory: number;
  countInDisk: number;
  bytesInDisk: number;
}

export interface StoreServices {
  readonly commitService: CommitService;
  readonly commitLog: CommitLog;
  readonly consumeQueues: ConsumeQueueTable;
  readonly checkpoint: StoreCheckpoint;
  readonly deletedTopics: DeletedTopics;
  readonly indexService: IndexService;
  readonly flushService: FlushService;
  readonly cleanService: CleanService;
  /** Consume queues, key index (messageIndexEnable), then the options' own; callers add more. */
  readonly dispatchers: CommitLogDispatcher[];
}

export function createStoreServices(
  opts: MessageStoreOptions,
  io: FileIO,
  hooks: RoundHooks,
): StoreServices {
  const root = opts.storePathRootDir;
  const log = opts.logger;
  const commitService = new CommitService(log, hooks);
  const commitLog = new CommitLog(io, opts.storePathCommitLog ?? join(root, 'commitlog'), log, {
    fileSize: opts.mappedFileSizeCommitLog,
    maxMessageSize: opts.maxMessageSize,
    committer: commitService,
  });
  const consumeQueues = new ConsumeQueueTable(
    io,
    root,
    opts.mappedFileSizeConsumeQueue,
    log,
    commitService,
    opts.isBatchCqTopic,
  );
  const indexService = new IndexService(
    io,
    root,
    {
      maxHashSlotNum: opts.maxHashSlotNum ?? DEFAULT_MAX_HASH_SLOT_NUM,
      maxIndexNum: opts.maxIndexNum ?? DEFAULT_MAX_INDEX_NUM,
    },
    log,
  );
  const flushService = new FlushService(commitLog.queue, log, {
    leastPages: opts.flushCommitLogLeastPages,
    intervalMs: opts.flushIntervalCommitLog,
    syncTimeoutMs: opts.syncFlushTimeout,
    now: Date.now,
  });
  const dispatchers: CommitLogDispatcher[] =
    opts.messageIndexEnable === false
      ? [consumeQueues]
      : [consumeQueues, new IndexDispatcher(indexService)];
  dispatchers.push(...(opts.dispatchers ?? []));
  const cleanService = new CleanService(
    io,
    log.child({ service: 'clean' }),
    { commitLog, cqs: consumeQueues, index: indexService },
    { ...DEFAULT_CLEAN_OPTIONS, ...opts.clean, now: Date.now },
  );
  return {
    commitService,
    commitLog,
    consumeQueues,
    checkpoint: new StoreCheckpoint(io, root),
    deletedTopics: new DeletedTopics(io, root),
    indexService,
    flushService,
    cleanService,
    dispatchers,
  };
}
