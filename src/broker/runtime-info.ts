// GET_BROKER_RUNTIME_INFO's table (AdminBrokerProcessor#prepareRuntimeInfo with the store's
// getRuntimeInfo): every key a RocketMQ 5 broker fills, with the value KiteMQ really has. Keys that
// measure thread pools or buffers KiteMQ does not have carry what RocketMQ reports for an idle or
// disabled one (0, the capacity, Integer.MAX_VALUE), so tools parse them as they would there.
import { existsSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import {
  ACK_THREAD_POOL_QUEUE_CAPACITY,
  END_TRANSACTION_POOL_QUEUE_CAPACITY,
  KITEMQ_REMOTING_VERSION,
  LITE_PULL_THREAD_POOL_QUEUE_CAPACITY,
  PULL_THREAD_POOL_QUEUE_CAPACITY,
  QUERY_THREAD_POOL_QUEUE_CAPACITY,
} from '../common/limits.js';
import { nodeFileIO } from '../store/file-io.js';
import type { BrokerContext } from './broker-context.js';
import { haRuntimeInfo } from './runtime-info-ha.js';

const JAVA_INT_MAX = 2_147_483_647;

/** MixAll.humanReadableByteCount(bytes, false): "512 B", "1.5 KiB", "2.0 GiB". */
export function humanReadableByteCount(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const exp = Math.floor(Math.log(bytes) / Math.log(1024));
  return `${(bytes / 1024 ** exp).toFixed(1)} ${'KMGTPE'[exp - 1]}iB`;
}

/** StoreStatsService#getFormatRuntime. */
export function formatRuntime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `[ ${d} days, ${h} hours, ${m} minutes, ${s % 60} seconds ]`;
}

/** The store time of the oldest record still in the commit log; -1 when it holds none. */
function earliestMessageTime(ctx: BrokerContext): number {
  const { store } = ctx;
  if (store.maxPhyOffset <= store.minPhyOffset) return -1;
  return store.lookMessageByOffset(store.minPhyOffset)?.storeTimestamp ?? -1;
}

function diskCapacity(dir: string): string | undefined {
  try {
    const s = statfsSync(dir);
    const total = humanReadableByteCount(s.blocks * s.bsize);
    return `Total : ${total}, Free : ${humanReadableByteCount(s.bfree * s.bsize)}.`;
  } catch {
    return undefined;
  }
}

export function buildRuntimeInfo(
  ctx: BrokerContext,
  bootTimestamp: number,
  now = Date.now(),
): Record<string, string> {
  const { store, config, stats } = ctx;
  const commitLogDir = store.commitLog.queue.dir;
  // UtilAll.getDiskPartitionSpaceUsedPercent: used / total of the partition, -1 when unknown.
  const commitLogRatio = existsSync(commitLogDir) ? nodeFileIO.diskUsedRatio(commitLogDir) : -1;
  const cqDir = join(config.storePathRootDir, 'consumequeue');
  const morning = stats.morning();
  const putTimes = Math.max(1, stats.putTotal); // RocketMQ reports at least 1
  const table: Record<string, string> = {
    // DefaultMessageStore / StoreStatsService
    bootTimestamp: String(bootTimestamp),
    runtime: formatRuntime(now - bootTimestamp),
    putMessageEntireTimeMax: String(stats.putLatency.maxMs),
    putMessageTimesTotal: String(putTimes),
    putMessageFailedTimes: String(stats.putFailed),
    putMessageSizeTotal: String(stats.putBytes),
    putMessageDistributeTime: stats.putLatency.distribution(),
    putMessageAverageSize: String(stats.putBytes / putTimes),
    // Dispatch runs in the put's own tick: no reput buffer builds up.
    dispatchMaxBuffer: '0',
    getMessageEntireTimeMax: String(stats.getMaxMs),
    putTps: stats.putTps(),
    getFoundTps: stats.getFoundTps(),
    getMissTps: stats.getMissTps(),
    getTotalTps: stats.getTotalTps(),
    getTransferredTps: stats.getTps(),
    getTransferedTps: stats.getTps(), // the misspelt key older tools read
    putLatency99: stats.putLatency.percentile(0.99).toFixed(2),
    putLatency999: stats.putLatency.percentile(0.999).toFixed(2),
    [`commitLogDiskRatio_${commitLogDir}`]: String(commitLogRatio),
    commitLogDiskRatio: String(commitLogRatio),
    consumeQueueDiskRatio: String(
      nodeFileIO.diskUsedRatio(existsSync(cqDir) ? cqDir : config.storePathRootDir),
    ),
    commitLogMinOffset: String(store.minPhyOffset),
    commitLogMaxOffset: String(store.maxPhyOffset),
    // ScheduleMessageService#buildRunningStats
    ...ctx.schedule.runtimeInfo(),
    // AdminBrokerProcessor
    brokerActive: 'true',
    brokerVersionDesc: 'V5_3_3',
    brokerVersion: String(KITEMQ_REMOTING_VERSION),
    kiteMQVersion: '0.1.0',
    brokerName: config.brokerName,
    msgPutTotalYesterdayMorning: String(morning.putYesterdayMorning),
    msgPutTotalTodayMorning: String(morning.putTodayMorning),
    msgPutTotalTodayNow: String(stats.putTotal),
    msgGetTotalYesterdayMorning: String(morning.getYesterdayMorning),
    msgGetTotalTodayMorning: String(morning.getTodayMorning),
    msgGetTotalTodayNow: String(stats.getTotal),
    // The commit log is dispatched to the queues and index as each put completes.
    dispatchBehindBytes: '0',
    pageCacheLockTimeMills: '0',
    earliestMessageTimeStamp: String(earliestMessageTime(ctx)),
    startAcceptSendRequestTimeStamp: '0',
    timerReadBehind: '0',
    timerOffsetBehind: '0',
    timerCongestNum: '0',
    timerEnqueueTps: '0.0',
    timerDequeueTps: '0.0',
    ...ctx.timer?.runtimeInfo(),
    // No transient store pool: RocketMQ then reports Integer.MAX_VALUE.
    remainTransientStoreBufferNumbs: String(JAVA_INT_MAX),
    remainHowManyDataToFlush: humanReadableByteCount(
      Math.max(0, store.maxPhyOffset - store.commitLog.queue.flushedOffset),
    ),
    // Requests run on the event loop: no pool queues, nothing waits in one, except sends waiting
    // for the store (send-queue.ts).
    sendThreadPoolQueueSize: String(ctx.sendQueue.size),
    sendThreadPoolQueueCapacity: String(ctx.sendQueue.capacity),
    sendBusyRejectedTotal: String(ctx.sendQueue.rejected),
    pullThreadPoolQueueSize: '0',
    pullThreadPoolQueueCapacity: String(PULL_THREAD_POOL_QUEUE_CAPACITY),
    litePullThreadPoolQueueSize: '0',
    litePullThreadPoolQueueCapacity: String(LITE_PULL_THREAD_POOL_QUEUE_CAPACITY),
    queryThreadPoolQueueSize: '0',
    queryThreadPoolQueueCapacity: String(QUERY_THREAD_POOL_QUEUE_CAPACITY),
    ackThreadPoolQueueSize: '0',
    ackThreadPoolQueueCapacity: String(ACK_THREAD_POOL_QUEUE_CAPACITY),
    sendThreadPoolQueueHeadWaitTimeMills: String(ctx.sendQueue.headWaitMs()),
    pullThreadPoolQueueHeadWaitTimeMills: '0',
    queryThreadPoolQueueHeadWaitTimeMills: '0',
    litePullThreadPoolQueueHeadWaitTimeMills: '0',
    ackThreadPoolQueueHeadWaitTimeMills: '0',
    EndTransactionQueueSize: '0',
    EndTransactionThreadPoolQueueCapacity: String(END_TRANSACTION_POOL_QUEUE_CAPACITY),
    ...haRuntimeInfo(ctx.ha?.status()),
  };
  const capacity = diskCapacity(config.storePathRootDir);
  if (capacity !== undefined) table.commitLogDirCapacity = capacity;
  return table;
}
