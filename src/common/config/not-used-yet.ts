// RocketMQ keys that KiteMQ recognises but does not act on yet. Setting one is a warning, not an
// error, so a broker.conf written for Apache RocketMQ starts unchanged; the note says what the key
// does there. Move a key into the schema when it is implemented.

function group(note: string, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [k, note]));
}

// NettyServerConfig keys both servers take.
const THREADS_NOTE = 'thread pool sizing; KiteMQ serves requests on one event loop';
const NETTY_THREAD_KEYS = [
  'serverWorkerThreads',
  'serverCallbackExecutorThreads',
  'serverSelectorThreads',
  'serverOnewaySemaphoreValue',
  'serverAsyncSemaphoreValue',
];
const NETTY_BUFFER_KEYS = ['useEpollNativeSelector', 'serverPooledByteBufAllocatorEnable'];
const SOCKET_TUNING = group('socket tuning', [
  'serverSocketSndBufSize',
  'serverSocketRcvBufSize',
  'serverChannelMaxIdleTimeSeconds',
]);

export const BROKER_KEYS_NOT_USED_YET: Readonly<Record<string, string>> = Object.freeze({
  ...group(THREADS_NOTE, [
    'sendMessageThreadPoolNums',
    'pullMessageThreadPoolNums',
    'litePullMessageThreadPoolNums',
    'queryMessageThreadPoolNums',
    'adminBrokerThreadPoolNums',
    'clientManageThreadPoolNums',
    'consumerManageThreadPoolNums',
    'heartbeatThreadPoolNums',
    'endTransactionThreadPoolNums',
    'processReplyMessageThreadPoolNums',
    'pullThreadPoolQueueCapacity',
    ...NETTY_THREAD_KEYS,
    ...NETTY_BUFFER_KEYS,
  ]),
  ...SOCKET_TUNING,
  ...group(
    'send/pull queue wait and page-cache busy fast failure; no KiteMQ request waits before it ' +
      'runs (appends are synchronous), and sends waiting for the store are bounded by ' +
      'sendThreadPoolQueueCapacity',
    [
      'waitTimeMillsInSendQueue',
      'waitTimeMillsInPullQueue',
      'osPageCacheBusyTimeOutMills',
      'brokerFastFailureEnable',
      'useReentrantLockWhenPutMessage',
    ],
  ),
  ...group('store paths derived from storePathRootDir in KiteMQ', [
    'storePathConsumeQueue',
    'storePathIndex',
    'storeCheckpoint',
    'abortFile',
    'rocketmqHome',
  ]),
  ...group('store flushing and cleaning tuning', [
    'flushIntervalConsumeQueue',
    'flushConsumeQueueLeastPages',
    'flushCommitLogTimed',
    'flushCommitLogThoroughInterval',
    'flushConsumeQueueThoroughInterval',
    'deleteCommitLogFilesInterval',
    'deleteConsumeQueueFilesInterval',
    'destroyMapedFileIntervalForcibly',
    'redeleteHangedFileInterval',
    'warmMapedFileEnable',
    'transientStorePoolEnable',
    'transientStorePoolSize',
    'fastFailIfNoBufferInStorePool',
  ]),
  ...group('message index and query tuning', [
    'messageIndexSafe',
    'maxMsgsNumBatch',
    'defaultQueryMaxNum',
    'duplicationEnable',
  ]),
  ...group('pull transfer limits', [
    'maxFilterMessageSize',
    'travelCqFileNumWhenGetMessage',
    'shortPollingTimeMills',
  ]),
  ...group('client and consumer management switches', [
    'notifyConsumerIdsChangedEnable',
    'realTimeNotifyConsumerChange',
    'rejectPullConsumerEnable',
    'litePullMessageEnable',
    'lockInStrictMode',
  ]),
  ...group('delay and timer messages', ['flushDelayOffsetInterval', 'enableScheduleAsyncDeliver']),
  ...group('transactional messages', ['transactionOpMsgMaxSize']),
  ...group('SQL92 filter tuning', [
    'filterSupportRetry',
    'enableCalcFilterBitMap',
    'enableConsumeQueueExt',
    'expectConsumerNumUseFilter',
    'maxErrorRateOfBloomFilter',
    'filterDataCleanTimeSpan',
  ]),
  ...group('replication (HA), DLedger and controller mode', [
    'enableDLegerCommitLog',
    'dLegerGroup',
    'dLegerPeers',
    'dLegerSelfId',
    'enableControllerMode',
    'controllerAddr',
  ]),
  ...group('name server registration details', [
    'fetchNamesrvAddrByAddressServer',
    'forceRegister',
    'registerBrokerTimeoutMills',
    'brokerTopicEnable',
    'clusterTopicEnable',
  ]),
  ...group('admin and security', [
    'aclEnable',
    'validateSystemTopicWhenUpdateTopic',
    'clearRetryTopicWhenDeleteTopic',
    'configBlackList',
    'traceTopicEnable',
    'msgTraceTopicName',
    'autoDeleteUnusedStats',
    'startAcceptSendRequestTimeStamp',
  ]),
});

export const NAMESRV_KEYS_NOT_USED_YET: Readonly<Record<string, string>> = Object.freeze({
  ...group(THREADS_NOTE, [
    ...NETTY_THREAD_KEYS,
    'defaultThreadPoolNums',
    'clientRequestThreadPoolNums',
    ...NETTY_BUFFER_KEYS,
  ]),
  ...SOCKET_TUNING,
  ...group('name server storage and environment', [
    'rocketmqHome',
    'configStorePath',
    'productEnvName',
    'clusterTest',
  ]),
  ...group('route management switches', [
    'scanNotActiveBrokerInterval',
    'enableTopicList',
    'enableAllTopicList',
    'notifyMinBrokerIdChanged',
    'supportActingMaster',
    'needWaitForService',
    'waitSecondsForService',
    'unRegisterBrokerQueueCapacity',
  ]),
});
