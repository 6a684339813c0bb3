// Every bound and default in one place, named as Apache RocketMQ names it (BrokerConfig,
// MessageStoreConfig, NettyServerConfig, 5.x develop). Units are suffixes.
import { assert } from './assert.js';

/** Remoting frame bound: `com.rocketmq.remoting.frameMaxLength` (NettyDecoder). */
export const FRAME_MAX_LENGTH_BYTES = 16 * 1024 * 1024;
/** The header length lives in the low 24 bits of the second int32. */
export const HEADER_MAX_LENGTH_BYTES = 0xffffff;
/** Requests a single connection may have in flight before the server answers SYSTEM_BUSY. */
export const MAX_PENDING_REQUESTS_PER_CONNECTION = 4096;
/** The broker's fast ("VIP") channel: this far below listenPort (RocketMQ: listenPort - 2). */
export const FAST_CHANNEL_PORT_OFFSET = 2;
/** listenPort=0: how many OS-chosen ports are tried for one whose fast-channel port is free too. */
export const LISTEN_PAIR_ATTEMPTS = 50;
/** Bytes queued for writing on one socket before reads from it are paused. */
export const MAX_SEND_QUEUE_BYTES_PER_CONNECTION = 64 * 1024 * 1024;
/**
 * A client request's body up to this size is copied into its frame's buffer, so the frame is one
 * socket write (a send's 1 KiB body costs less to copy than a second write). 512 bytes below
 * 4 KiB, so that with its header the frame still comes from Buffer's shared pool. Servers write
 * bodies uncopied.
 */
export const CLIENT_INLINE_BODY_MAX_BYTES = 4 * 1024 - 512;
/** Client-side requests in flight on one connection (kafkajs maxInFlightRequests). */
export const MAX_IN_FLIGHT_REQUESTS_PER_CLIENT_CONNECTION = 65_536;

/** MessageStoreConfig.maxMessageSize: largest body a producer may send. */
export const DEFAULT_MAX_MESSAGE_SIZE_BYTES = 4 * 1024 * 1024;
/** Properties are length-prefixed by a signed short in the stored record. */
export const MAX_PROPERTIES_SIZE_BYTES = 32_767;
/** TopicValidator.TOPIC_MAX_LENGTH. */
export const TOPIC_MAX_LENGTH = 127;
/** Retry/DLQ topics may be longer in 5.x, but v1 records carry a 1-byte topic length. */
export const RETRY_TOPIC_MAX_LENGTH = 255;
export const GROUP_MAX_LENGTH = 120;

/** MessageStoreConfig.mappedFileSizeCommitLog (the key is spelled mapedFileSizeCommitLog). */
export const DEFAULT_COMMIT_LOG_FILE_SIZE_BYTES = 1024 * 1024 * 1024;
/** A consume-queue unit: commitLogOffset int64, size int32, tagsCode int64. */
export const CQ_UNIT_SIZE_BYTES = 20;
/** A batch consume-queue unit (BatchConsumeQueue.CQ_STORE_UNIT_SIZE): offset 8, size 4, tags 8,
 * store time 8, msg base offset 8, batch size 2, compacted offset 4, reserved 4. */
export const BCQ_UNIT_SIZE_BYTES = 46;
/** MessageStoreConfig.mappedFileSizeConsumeQueue = 300000 units. */
export const DEFAULT_CONSUME_QUEUE_FILE_SIZE_BYTES = 300_000 * CQ_UNIT_SIZE_BYTES;
/** MessageStoreConfig.flushIntervalCommitLog. */
export const DEFAULT_FLUSH_INTERVAL_COMMIT_LOG_MS = 500;
/** MessageStoreConfig.flushCommitLogLeastPages (4 KiB pages). */
export const DEFAULT_FLUSH_COMMIT_LOG_LEAST_PAGES = 4;
/** MessageStoreConfig.syncFlushTimeout. */
export const DEFAULT_SYNC_FLUSH_TIMEOUT_MS = 5_000;
/** MessageStoreConfig.flushIntervalConsumeQueue. */
export const DEFAULT_FLUSH_INTERVAL_CONSUME_QUEUE_MS = 1_000;

/** Pull batching: maxTransferCountOnMessageInMemory / maxTransferBytesOnMessageInMemory. */
export const MAX_TRANSFER_COUNT_ON_MESSAGE_IN_MEMORY = 32;
export const MAX_TRANSFER_BYTES_ON_MESSAGE_IN_MEMORY = 256 * 1024;
/** The same caps for a pull whose data is far behind the log end ("in disk"): 8 / 64 KiB. */
export const MAX_TRANSFER_COUNT_ON_MESSAGE_IN_DISK = 8;
export const MAX_TRANSFER_BYTES_ON_MESSAGE_IN_DISK = 64 * 1024;
/** Entries scanned in one pull while filtering (maxFilterMessageSize / 20-byte units). */
export const MAX_FILTER_SCAN_UNITS = 800;

// ---- store ----
/** CommitLog.END_FILE_MIN_BLANK_LENGTH: kept free at every segment end for the blank marker. */
export const END_FILE_MIN_BLANK_BYTES = 8;
/** Commit-log appends of one event-loop turn are staged up to this size, then written at once. */
export const COMMIT_LOG_STAGING_BYTES = 1024 * 1024;
/** Read size of the commit log's recovery scan. */
export const COMMIT_LOG_SCAN_CHUNK_BYTES = 8 * 1024 * 1024;
/** Units of one consume-queue segment staged per turn: one write for a busy queue, little
 * memory for thousands of idle ones. */
export const CQ_STAGING_UNITS = 205;
/** Units read at a time by the recovery check of a consume queue's tail. */
export const CQ_RECOVERY_READ_UNITS = 4096;
/** UtilAll/MessageStoreConfig OS_PAGE_SIZE: the unit of flushCommitLogLeastPages. */
export const OS_PAGE_SIZE_BYTES = 4096;
/** MessageStoreConfig.flushCommitLogThoroughInterval: ASYNC_FLUSH flushes any dirty byte then. */
export const FLUSH_COMMIT_LOG_THOROUGH_INTERVAL_MS = 10_000;
/** MessageStoreConfig.accessMessageInMemoryMaxRatio (%): data this near the log end is "hot". */
export const ACCESS_MESSAGE_IN_MEMORY_MAX_RATIO = 40;
/** Largest single commit-log read of a pull; a record bigger than it is read on its own. */
export const PULL_READ_WINDOW_MAX_BYTES = 1024 * 1024;
/** A pull's read window may hold this many times the bytes it needs; sparser queues read per
 * record. */
export const PULL_READ_WINDOW_MAX_WASTE = 8;
/** Units read at a time once a pull's filtering has skipped the first batch. */
export const PULL_FILTER_SCAN_STEP_UNITS = 128;
/** Pull read cache: complete blocks of this size, this many of them, kept for windows at least
 * this large. */
export const READ_CACHE_BLOCK_BYTES = 256 * 1024;
export const READ_CACHE_BLOCKS = 32;
export const READ_CACHE_MIN_WINDOW_BYTES = 64 * 1024;
/** MessageStoreConfig.maxHashSlotNum / maxIndexNum: one key-index file's slots and entries. */
export const DEFAULT_MAX_HASH_SLOT_NUM = 5_000_000;
export const DEFAULT_MAX_INDEX_NUM = 20_000_000;
/** Key-index slots written back per flush in one write, at most this many 1024-slot pages. */
export const INDEX_MAX_PAGES_PER_WRITE = 256;
/** MessageStoreConfig retention and disk watermarks (ratios in % of the disk). */
export const DEFAULT_DELETE_WHEN = '04';
export const DEFAULT_FILE_RESERVED_TIME_HOURS = 72;
export const DEFAULT_DISK_MAX_USED_SPACE_RATIO = 75;
export const DEFAULT_DISK_SPACE_WARNING_LEVEL_RATIO = 90;
export const DEFAULT_DISK_SPACE_CLEAN_FORCIBLY_RATIO = 85;
export const DEFAULT_CLEAN_FILE_FORCIBLY_ENABLE = true;
export const DEFAULT_CLEAN_RESOURCE_INTERVAL_MS = 10_000;
/** MessageStoreConfig.deleteCommitLogFilesInterval's batch: segments deleted per clean round. */
export const DELETE_FILES_BATCH_MAX = 10;
/** Long polling: parked pulls per (topic, queue) and in total before SYSTEM_BUSY-like refusal. */
export const MAX_SUSPENDED_PULLS_PER_QUEUE = 1_024;
export const MAX_SUSPENDED_PULLS_TOTAL = 65_536;
/** Java clients send 15 s (push) / 20 s (lite pull) and time out at 30 s. */
export const MAX_SUSPEND_TIMEOUT_MS = 25_000;
/** Granularity of the timer wheel that expires parked pulls. */
export const PULL_HOLD_CHECK_INTERVAL_MS = 100;

/** Name server: brokers re-register every registerNameServerPeriod; expire after 120 s silence. */
export const DEFAULT_REGISTER_NAME_SERVER_PERIOD_MS = 30_000;
export const DEFAULT_BROKER_CHANNEL_EXPIRED_TIME_MS = 120_000;
export const SCAN_NOT_ACTIVE_BROKER_INTERVAL_MS = 5_000;
export const DEFAULT_REGISTER_BROKER_TIMEOUT_MS = 24_000;
/**
 * A request that changes topics (UPDATE_AND_CREATE_TOPIC, a heartbeat creating %RETRY%…) is
 * answered once every name server took the new registration, or after this long at most, naming
 * the ones that did not. Below the clients' 3 s request timeout, so a hung name server still gets
 * the caller an answer; the registration itself keeps registerBrokerTimeoutMills.
 */
export const TOPIC_CHANGE_REGISTER_WAIT_MS = 2_500;
/**
 * A compressed REGISTER_BROKER body (4.x brokers, compressed=true) inflates to at most this; a
 * topic line is ~60 bytes, so this holds about a million topics. RocketMQ has no bound here.
 */
export const REGISTER_BROKER_BODY_MAX_INFLATED_BYTES = 64 * 1024 * 1024;
/**
 * topics.json.log is folded into topics.json once it is larger than this and than topics.json
 * itself (~17,000 topic lines): a small store is not rewritten every few creates.
 */
export const TOPIC_CONFIG_LOG_MIN_COMPACT_BYTES = 4 * 1024 * 1024;
/** BrokerConfig.splitRegistrationSize: topics per REGISTER_BROKER of a split registration. */
export const DEFAULT_SPLIT_REGISTRATION_SIZE = 800;
/**
 * A REGISTER_BROKER body above this is compressed, and split if still above: the frame also holds
 * the header, and a name server refuses a frame past FRAME_MAX_LENGTH_BYTES. A plain topic entry
 * is ~180 bytes, so this is reached near 88,000 topics; a compressed one takes ~3 bytes.
 */
export const REGISTER_BROKER_BODY_MAX_BYTES = 15 * 1024 * 1024;
/** Broker: client channels silent for channelExpiredTimeout are dropped; scanned every 10 s. */
export const DEFAULT_CHANNEL_EXPIRED_TIMEOUT_MS = 120_000;
export const CLIENT_HOUSEKEEPING_INTERVAL_MS = 10_000;
/** BrokerConfig.flushConsumerOffsetInterval. */
export const DEFAULT_FLUSH_CONSUMER_OFFSET_INTERVAL_MS = 5_000;

/** BrokerConfig.defaultTopicQueueNums (broker side) and the client default. */
export const DEFAULT_TOPIC_QUEUE_NUMS = 8;
export const CLIENT_DEFAULT_TOPIC_QUEUE_NUMS = 4;
/** ClientConfig.pollNameServerInterval: how often the SDK re-reads its topics' routes. */
export const CLIENT_POLL_NAME_SERVER_INTERVAL_MS = 30_000;
/** ClientConfig.heartbeatBrokerInterval. */
export const CLIENT_HEARTBEAT_BROKER_INTERVAL_MS = 30_000;
/**
 * rocketmq.serialize.type of our SDK (env ROCKETMQ_SERIALIZE_TYPE overrides it, as for Java):
 * binary headers, which every RocketMQ broker reads and which cost less to write and parse than
 * JSON. Java clients default to JSON.
 */
export const CLIENT_DEFAULT_SERIALIZE_TYPE: 'ROCKETMQ' | 'JSON' = 'ROCKETMQ';
/** Remoting version we answer with: MQVersion V5_3_3 ordinal (clients gate SQL92 on >= 232). */
export const KITEMQ_REMOTING_VERSION = 479;
/** Broker2Client#callClient: how long a broker waits for a client's answer to 307/309. */
export const BROKER2CLIENT_CALL_TIMEOUT_MS = 10_000;
/** How long mqadmin waits for 307/309 relayed by a broker (longer than the broker's own wait). */
export const ADMIN_CALL_CLIENT_TIMEOUT_MS = BROKER2CLIENT_CALL_TIMEOUT_MS + 5_000;
/** Default request timeout of our client (sendMsgTimeout). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 3_000;

// Relations that must hold; a failure here is a bug in this file, caught at import time.
assert(
  FRAME_MAX_LENGTH_BYTES >= DEFAULT_MAX_MESSAGE_SIZE_BYTES + 64 * 1024,
  'a frame must fit a max-size message plus its header',
);
assert(
  FRAME_MAX_LENGTH_BYTES - REGISTER_BROKER_BODY_MAX_BYTES >= 64 * 1024,
  'a register frame keeps room for its header',
);
assert(
  DEFAULT_CONSUME_QUEUE_FILE_SIZE_BYTES % CQ_UNIT_SIZE_BYTES === 0,
  'CQ file holds whole units',
);
assert(
  DEFAULT_COMMIT_LOG_FILE_SIZE_BYTES >= 16 * DEFAULT_MAX_MESSAGE_SIZE_BYTES,
  'a commit log file holds many max-size messages',
);
assert(
  TOPIC_CHANGE_REGISTER_WAIT_MS < DEFAULT_REQUEST_TIMEOUT_MS,
  'a topic change is answered before the client gives up on it',
);
assert(
  DEFAULT_DISK_MAX_USED_SPACE_RATIO < DEFAULT_DISK_SPACE_CLEAN_FORCIBLY_RATIO &&
    DEFAULT_DISK_SPACE_CLEAN_FORCIBLY_RATIO < DEFAULT_DISK_SPACE_WARNING_LEVEL_RATIO,
  'the store cleans before it cleans forcibly, and both before it refuses writes',
);
assert(
  READ_CACHE_MIN_WINDOW_BYTES <= READ_CACHE_BLOCK_BYTES,
  'a window that loads a block fits it',
);
assert(MAX_SUSPEND_TIMEOUT_MS < 30_000, 'a parked pull answers before the client socket timeout');

/**
 * BrokerConfig thread-pool queue capacities, reported by GET_BROKER_RUNTIME_INFO as RocketMQ
 * reports them. KiteMQ runs requests on the event loop, so these queues stay empty, except the
 * send one: sendThreadPoolQueueCapacity (this default) bounds the sends waiting for the store.
 */
export const SEND_THREAD_POOL_QUEUE_CAPACITY = 10_000;
export const PULL_THREAD_POOL_QUEUE_CAPACITY = 100_000;
export const LITE_PULL_THREAD_POOL_QUEUE_CAPACITY = 100_000;
export const QUERY_THREAD_POOL_QUEUE_CAPACITY = 20_000;
export const ACK_THREAD_POOL_QUEUE_CAPACITY = 100_000;
export const END_TRANSACTION_POOL_QUEUE_CAPACITY = 100_000;

// ---- client ----
// Defaults and periods of our SDK, named after the Java client's fields (DefaultMQPushConsumer,
// DefaultMQProducer, DefaultLitePullConsumer 5.x). Prefixed, as several share a broker-side name.

/** RebalanceService#waitInterval: how often a consumer re-splits its group's queues. */
export const CONSUMER_REBALANCE_INTERVAL_MS = 20_000;
/** persistConsumerOffsetInterval: how often consumed offsets go back to the broker (or file). */
export const CONSUMER_PERSIST_OFFSET_INTERVAL_MS = 5_000;
/** BROKER_SUSPEND_MAX_TIME_MILLIS: how long a push consumer's pull may be parked on the broker. */
export const CONSUMER_BROKER_SUSPEND_MAX_TIME_MS = 15_000;
/** CONSUMER_TIMEOUT_MILLIS_WHEN_SUSPEND: the client's wait for a parked pull's answer. */
export const CONSUMER_TIMEOUT_MS_WHEN_SUSPEND = 30_000;
/** PULL_TIME_DELAY_MILLS_WHEN_FLOW_CONTROL: pause while a queue holds too much unconsumed. */
export const CONSUMER_PULL_DELAY_MS_WHEN_FLOW_CONTROL = 50;
/** pullTimeDelayMillsWhenException: pause after a pull failed or was refused. */
export const CONSUMER_PULL_DELAY_MS_WHEN_EXCEPTION = 3_000;
/** REBALANCE_LOCK_INTERVAL: orderly consumers renew their broker queue locks this often. */
export const CONSUMER_LOCK_RENEW_INTERVAL_MS = 20_000;
/** LOCK_BATCH_MQ's answer wait (RebalanceImpl#lock uses 1 s). */
export const CONSUMER_LOCK_TIMEOUT_MS = 1_000;
/** suspendCurrentQueueTimeMillis: an orderly queue's pause after a failure or a refused lock. */
export const CONSUMER_SUSPEND_CURRENT_QUEUE_TIME_MS = 1_000;
/** Pause before a batch neither consumed nor taken back by the broker is tried again here. */
export const CONSUMER_RETRY_DELAY_MS = 1_000;
export const CONSUMER_DEFAULT_CONSUME_THREAD_MAX = 20;
export const CONSUMER_DEFAULT_PULL_BATCH_SIZE = 32;
/**
 * Pulls per queue in flight while it is far behind. 1 is RocketMQ's (one pull at a time); more
 * reads ahead, which works against any broker since each pull stays within its per-pull caps.
 */
export const CONSUMER_DEFAULT_PULL_PIPELINE_DEPTH = 1;
/** Upper bound of pullPipelineDepth: each extra pull holds a batch more in memory. */
export const CONSUMER_MAX_PULL_PIPELINE_DEPTH = 16;
/** pullThresholdForQueue: messages a queue may hold unconsumed before pulling pauses. */
export const CONSUMER_DEFAULT_PULL_THRESHOLD_FOR_QUEUE = 1_000;
/** pullThresholdSizeForQueue, in MiB of bodies. */
export const CONSUMER_DEFAULT_PULL_THRESHOLD_SIZE_FOR_QUEUE_MIB = 100;
export const CONSUMER_DEFAULT_CONSUME_MESSAGE_BATCH_MAX_SIZE = 1;
/** maxReconsumeTimes: redeliveries before a failing message goes to %DLQ%<group>. */
export const CONSUMER_DEFAULT_MAX_RECONSUME_TIMES = 16;
/** consumeTimestamp's default for CONSUME_FROM_TIMESTAMP: half an hour back. */
export const CONSUMER_DEFAULT_CONSUME_TIMESTAMP_AGO_MS = 30 * 60_000;
/** Topics a push consumer keeps RT/TPS figures for (statusTable); more are not tracked. */
export const CONSUMER_STATS_TOPICS_MAX = 1_000;
/** DefaultLitePullConsumer: autoCommitIntervalMillis and pollTimeoutMillis. */
export const LITE_PULL_DEFAULT_AUTO_COMMIT_INTERVAL_MS = 5_000;
export const LITE_PULL_DEFAULT_POLL_TIMEOUT_MS = 5_000;
/** A lite pull's pause when no queue had anything, before it asks them all again. */
export const LITE_PULL_IDLE_WAIT_MS = 50;
/** retryTimesWhenSendFailed: attempts after the first for a send without a fixed queue. */
export const PRODUCER_DEFAULT_RETRY_TIMES_WHEN_SEND_FAILED = 2;
/** compressMsgBodyOverHowmuch: bodies this size and larger are zlib-compressed. */
export const PRODUCER_DEFAULT_COMPRESS_MSG_BODY_OVER_BYTES = 4 * 1024;
/** rocketmq.message.compressLevel. */
export const PRODUCER_DEFAULT_COMPRESS_LEVEL = 5;

// autoBatch (DefaultMQProducer 5.x, ProduceAccumulator): off by default; when on, concurrent
// sends to one target are gathered into SEND_BATCH_MESSAGE requests.
/** batchMaxDelayMs: how long a batch waits for more messages (Java's holdMs, 10 ms). */
export const PRODUCER_DEFAULT_BATCH_MAX_DELAY_MS = 10;
/** Java accepts batchMaxDelayMs in [1 ms, 30 s]. */
export const PRODUCER_BATCH_MAX_DELAY_MS_MAX = 30_000;
/** batchMaxBytes: body bytes at which a batch goes at once (Java's holdSize, 32 KiB). */
export const PRODUCER_DEFAULT_BATCH_MAX_BYTES = 32 * 1024;
/** Java accepts batchMaxBytes in [1 B, 2 MiB]. */
export const PRODUCER_BATCH_MAX_BYTES_MAX = 2 * 1024 * 1024;
/** totalBatchMaxBytes: body bytes held by all batches until their answers (32 MiB). */
export const PRODUCER_DEFAULT_TOTAL_BATCH_MAX_BYTES = 32 * 1024 * 1024;

assert(
  CONSUMER_BROKER_SUSPEND_MAX_TIME_MS < CONSUMER_TIMEOUT_MS_WHEN_SUSPEND,
  'a parked pull is answered before the consumer gives up waiting for it',
);

// ---- broker, name server, remoting ----

/** How often a SYSTEM_BUSY refusal of sends is logged at most (RocketMQ logs [OVERLOAD]). */
export const SEND_BUSY_LOG_INTERVAL_MS = 10_000;
/** BrokerController: registerNameServerPeriod is held within [10 s, 60 s]. */
export const REGISTER_NAME_SERVER_PERIOD_MIN_MS = 10_000;
export const REGISTER_NAME_SERVER_PERIOD_MAX_MS = 60_000;
/** BrokerOuterAPI#unregisterBroker's timeoutMills. */
export const UNREGISTER_BROKER_TIMEOUT_MS = 3_000;
/** NettyClientConfig.connectTimeoutMillis. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 3_000;
/** Broker2Client#callClient's timeout, for PUSH_REPLY_MESSAGE_TO_CLIENT. */
export const PUSH_REPLY_TIMEOUT_MS = 3_000;
/** BrokerConfig.defaultQueryMaxNum: the cap on one QUERY_MESSAGE's results. */
export const DEFAULT_QUERY_MAX_NUM = 32;
/** TopicConfigManager.SCHEDULE_TOPIC_QUEUE_NUM: queues seeded for SCHEDULE_TOPIC_XXXX at least. */
export const SCHEDULE_TOPIC_QUEUE_NUM = 18;
/** Due messages (a delay level) or units (the timer wheel) per batch; one progress write each. */
export const MAX_DELIVER_BATCH = 1_024;
/** A delivery put that failed for a passing reason (disk full, shutdown) is retried after this. */
export const RETRY_AFTER_FAILED_PUT_MS = 100;
/** ScheduleMessageService.DELAY_FOR_A_PERIOD: a deliverer's wait after an unexpected error. */
export const DELAY_FOR_A_PERIOD_MS = 10_000;
/** Crash recovery of a delivery batch reads this many real-queue records per queue at most. */
export const MAX_RECOVERY_SCAN_RECORDS = 1_000_000;
/** How long a graceful shutdown (SIGINT/SIGTERM) may take before the process exits anyway. */
export const SHUTDOWN_DEADLINE_MS = 30_000;

assert(
  REGISTER_NAME_SERVER_PERIOD_MIN_MS <= DEFAULT_REGISTER_NAME_SERVER_PERIOD_MS &&
    DEFAULT_REGISTER_NAME_SERVER_PERIOD_MS <= REGISTER_NAME_SERVER_PERIOD_MAX_MS,
  'the default registration period is within its bounds',
);
assert(
  REGISTER_NAME_SERVER_PERIOD_MAX_MS < DEFAULT_BROKER_CHANNEL_EXPIRED_TIME_MS,
  'a broker registers again before the name server expires it',
);
/** UPDATE_AND_CREATE_TOPIC refuses more read or write queues than this. */
export const TOPIC_QUEUE_NUMS_MAX = 1_024;
/** Timer wheel: messages linked per batch (one log write, one wheel write, one checkpoint). */
export const TIMER_MAX_ENQUEUE_BATCH = 4_096;
/** Timer wheel: slots looked at per step when looking for the next occupied one. */
export const TIMER_MAX_SCAN_SLOTS = 4_096;
/** Timer wheel: a failed open is tried again after this, doubling up to the max. */
export const TIMER_OPEN_RETRY_FIRST_MS = 1_000;
export const TIMER_OPEN_RETRY_MAX_MS = 60_000;

assert(DEFAULT_TOPIC_QUEUE_NUMS <= TOPIC_QUEUE_NUMS_MAX, 'the default topic fits the bound');

// ---- transactions ----
/** transactionTimeOut: a half message is not checked back before this age (RocketMQ: 6 s). */
export const DEFAULT_TRANSACTION_TIMEOUT_MS = 6_000;
/** transactionCheckInterval: RocketMQ 5.x's 30 s (4.9.8: 60 s). */
export const DEFAULT_TRANSACTION_CHECK_INTERVAL_MS = 30_000;
/** transactionCheckMax: checks before a half message goes to TRANS_CHECK_MAX_TIME_TOPIC. */
export const DEFAULT_TRANSACTION_CHECK_MAX = 15;
/**
 * A half checked less than this fraction of transactionCheckInterval ago is not checked again
 * in a round: rounds run every interval, and a timer that fires a little early must not skip one.
 */
export const TRANSACTION_RECHECK_FRACTION = 0.9;
/**
 * transaction/decisions.log is compacted (decisions whose half message has left the commit log
 * dropped) when it has grown this much since its last compaction (KiteMQ's own; RocketMQ's op
 * messages age out with the commit log). About 60 000 decisions; the rewrite is one sequential
 * write and fdatasync of what is kept.
 */
export const DECISION_LOG_COMPACT_BYTES = 16 * 1024 * 1024;

// ---- replication (HA) ----
/** haListenPort = listenPort + this (RocketMQ: 10911 + 1 = 10912). */
export const HA_PORT_OFFSET = 1;
/** haSendHeartbeatInterval: an idle master sends an empty header this often (RocketMQ: 5 s). */
export const DEFAULT_HA_SEND_HEARTBEAT_INTERVAL_MS = 5_000;
/** haHousekeepingInterval: a link silent this long is closed (RocketMQ: 20 s). */
export const DEFAULT_HA_HOUSEKEEPING_INTERVAL_MS = 20_000;
/** haTransferBatchSize: commit-log bytes per transfer frame at most (RocketMQ: 32 KiB). */
export const DEFAULT_HA_TRANSFER_BATCH_SIZE = 32 * 1024;
/** haMaxGapNotInSync (4.x haSlaveFallbehindMax): a slave further behind is out of sync. */
export const DEFAULT_HA_MAX_GAP_NOT_IN_SYNC = 256 * 1024 * 1024;
/** slaveTimeout: a SYNC_MASTER put waits this long for its slave's ack (RocketMQ: 3 s). */
export const DEFAULT_SLAVE_TIMEOUT_MS = 3_000;
/** A slave reconnects to its master this often while the link is down (RocketMQ: 5 s). */
export const HA_CONNECT_RETRY_MS = 5_000;
/**
 * KiteMQ: a slave that reconnects asks its master for this many of its last records again and
 * compares them, to find where two logs diverged (×4 per retry when even the first differs).
 */
export const HA_OVERLAP_RECORDS = 16;
/** A slave syncs topics, offsets, delay/timer progress and groups from its master this often. */
export const SLAVE_SYNC_INTERVAL_MS = 10_000;
/** The first of those rounds runs this long after the broker starts (RocketMQ 4.9: 3 s). */
export const SLAVE_SYNC_FIRST_DELAY_MS = 3_000;
/** accessMessageInMemoryMaxRatio: a pull further behind than this % of RAM consumes slowly. */
export const DEFAULT_ACCESS_MESSAGE_IN_MEMORY_MAX_RATIO = 40;
/** metricsPromExporterPort: where a broker serves /metrics (BrokerConfig 5.x default). */
export const DEFAULT_METRICS_PROM_EXPORTER_PORT = 5557;
/** The name server's metricsPromExporterPort (a KiteMQ key): next to the broker's default. */
export const DEFAULT_NAMESRV_METRICS_PROM_EXPORTER_PORT = 5558;
/** metricsLoggingExporterIntervalInMills: how often metricsExporterType=LOG writes its line. */
export const DEFAULT_METRICS_LOGGING_EXPORTER_INTERVAL_MS = 10_000;
/**
 * VIEW_BROKER_STATS_DATA's keys tracked per stats name (topics, topic@group pairs). RocketMQ's
 * StatsItemSet grows without bound; here a broker stops adding keys past this, so a client
 * inventing topic or group names cannot grow the per-10-s sampling without end.
 */
export const BROKER_STATS_KEYS_MAX = 10_000;
