// The console's limits and defaults in one place, under the keys its configuration uses
// (console.<key>). Relations between them are asserted in defaults.test.ts.
export const CONSOLE_DEFAULTS = {
  /**
   * console.trustProxy: whose X-Forwarded-For the login throttle and the audit log believe. Off,
   * a client could name any address in that header and so escape the throttle.
   */
  trustProxy: false,
  /** How often the poller takes a snapshot of the cluster (console.refreshIntervalMs). */
  refreshIntervalMs: 5_000,
  /** Deadline of each remoting call a snapshot makes; a slower broker counts as down. */
  snapshotCallTimeoutMs: 3_000,
  /**
   * Apache RocketMQ brokers have no request listing every group's connections at once (KiteMQ's
   * answer KITEMQ_GET_BROKER_CONSOLE_SNAPSHOT), so there online clients are asked per group, only
   * for the groups alert rules watch, and at most this many per refresh.
   */
  connectionProbeMaxGroups: 50,
  /** DLQ topics whose max offset a snapshot reads of an Apache RocketMQ master (one call each). */
  dlqProbeMaxTopics: 100,
  /** Points per series kept in memory: an hour at the default refresh interval. */
  historyMaxPoints: 720,
  /** Topics and groups with a TPS series: the busiest N of each at every snapshot. */
  historyTopN: 20,
  /** Series kept in memory at most (brokers, cluster totals, top topics and groups). */
  historyMaxSeries: 500,
  /** One averaged line per this interval goes to the day file on disk. */
  historyDiskIntervalMs: 60_000,
  /** Day files older than this are deleted at start and at each day's first line. */
  historyRetentionDays: 7,
  /** A broker seen once and missing this long since is forgotten (no more "broker down"). */
  brokerForgetMs: 3_600_000,
  webhookTimeoutMs: 3_000,
  /** Retries after the first attempt of one webhook POST. */
  webhookRetries: 3,
  webhookRetryBackoffMs: 500,
  /** Notifications waiting to be posted; beyond it the oldest is dropped (and counted). */
  webhookQueueMax: 100,
  /** api/messages: the widest time range one query may ask for (end − begin). */
  messageQueryMaxRangeMs: 7 * 86_400_000,
  /** api/messages: messages read from one queue at most (its newest in the range). */
  messageQueryMaxPerQueue: 500,
  /** api/messages: messages read at most in one query, over all queues; then it stops. */
  messageQueryMaxTotal: 2_000,
  messagePageSizeDefault: 20,
  messagePageSizeMax: 100,
  /** api/messages/by-key: QUERY_MESSAGE's maxNum per broker. */
  messageByKeyMaxNum: 64,
  /** api/dlq/messages, resend all and export: dead letters read from a group at most. */
  dlqMaxMessages: 1_000,
  /** api/dlq: DLQ topics listed (one GET_TOPIC_STATS_INFO per broker of each). */
  dlqListMaxGroups: 500,
  /** Resolved alerts api/alerts still shows (the latest per rule and target), at most. */
  alertsResolvedKept: 50,
  /** The dashboard's top topics and top groups. */
  dashboardTopN: 10,
  /** api/dashboard/series: points answered by default, and at most. */
  seriesDefaultPoints: 300,
  seriesMaxPoints: 2_000,
} as const;

export type ConsoleDefaults = typeof CONSOLE_DEFAULTS;
