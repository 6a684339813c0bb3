// The parts a push consumer is composed of (DefaultMQPushConsumerImpl's collaborators in the
// Java client: RebalanceImpl, PullMessageService with PullAPIWrapper, ConsumeMessageService,
// OffsetStore) and what each needs from the others, as interfaces. The parts import this file,
// never push-consumer.ts, so they compose without an import loop and each can be tested against
// small fakes. They live in impl/ beside the helpers they use (process-queue, allocate, send-back).
import type { TagSubscription } from '../../message/filter-api.js';
import type { MessageExt } from '../../message/message.js';
import type { PullMessageRequestHeader } from '../../protocol/headers/pull.js';
import type { RemotingCommand } from '../../protocol/remoting-command.js';
import type { MessageQueue } from './allocate.js';
import type { FoundBroker } from './broker-addr-table.js';
import type { ProcessQueue } from './process-queue.js';

/** Requests to a broker named in a route (ClientInstance has this). */
export interface BrokerInvoker {
  readonly clientId: string;
  invokeBroker(
    brokerName: string,
    cmd: RemotingCommand,
    timeoutMs?: number,
  ): Promise<RemotingCommand>;
  /**
   * Reads and offsets: to member `brokerId` of the set, else the next slave, else any member
   * (findBrokerAddressInSubscribe). `cmd` may be built once the member is known. Without it,
   * everything goes to the master.
   */
  invokeBrokerInSubscribe?(
    brokerName: string,
    brokerId: number,
    cmd: RemotingCommand | ((from: FoundBroker) => RemotingCommand),
    timeoutMs?: number,
  ): Promise<{ res: RemotingCommand; from: FoundBroker }>;
}

/** invokeBrokerInSubscribe where the invoker has it, else the master. */
export async function invokeInSubscribe(
  broker: BrokerInvoker,
  brokerName: string,
  brokerId: number,
  cmd: RemotingCommand | ((from: FoundBroker) => RemotingCommand),
  timeoutMs?: number,
): Promise<{ res: RemotingCommand; from: FoundBroker | undefined }> {
  if (broker.invokeBrokerInSubscribe) {
    return broker.invokeBrokerInSubscribe(brokerName, brokerId, cmd, timeoutMs);
  }
  const req = typeof cmd === 'function' ? cmd({ addr: '', brokerId: 0, slave: false }) : cmd;
  return { res: await broker.invokeBroker(brokerName, req, timeoutMs), from: undefined };
}

/** Routes and group membership, as the rebalance reads them (ClientInstance has these). */
export interface ClusterView {
  readonly clientId: string;
  subscribeQueues(topic: string): Promise<MessageQueue[]>;
  consumerIds(group: string, brokerName: string | undefined): Promise<string[]>;
}

/** One topic's subscription (SubscriptionData): tags or a SQL92 expression, and its version. */
export type Subscription = TagSubscription & { subVersion: number; expressionType?: string };

/**
 * Where a group's consumed offsets live (OffsetStore): on the broker for CLUSTERING
 * (RemoteBrokerOffsetStore), in a local file for BROADCASTING (LocalFileOffsetStore).
 */
export interface OffsetStore {
  /** The broker keeps these offsets, so a pull may carry the commit (PullSysFlag commit bit). */
  readonly remote: boolean;
  /** Reads what was persisted before (the local file); never throws. */
  load(): void;
  /** The committed offset; -1 when the group has none yet, -2 when it cannot be told now. */
  readOffset(mq: MessageQueue): Promise<number>;
  /** Records `offset` as committed; true once it is stored (never rejects). */
  updateOffset(mq: MessageQueue, offset: number): Promise<boolean>;
  /** Makes what updateOffset recorded last (writes the local file); never throws. */
  persistAll(): void;
}

/** Broker-side locks of orderly consumption, for queues of one broker at a time. */
export interface QueueLocker {
  /** Locks or renews `mqs` (one broker); the keys of the queues now held, empty on failure. */
  lock(mqs: readonly MessageQueue[]): Promise<Set<string>>;
  /** Gives `mqs` up (oneway); their locks would expire on the broker anyway. */
  unlock(mqs: readonly MessageQueue[]): void;
}

/** The rebalance's lock renewal (RebalanceImpl#lockAll), which the orderly service schedules. */
export interface LockRenewal {
  /** Renews every held lock; `onLocked` for each queue whose lock is (still) held. */
  lockAll(onLocked: (pq: ProcessQueue) => void): Promise<void>;
}

/** What the rebalance tells the rest when its process-queue table changes. */
export interface QueueTableListener {
  /** A queue was taken: start pulling it. */
  queueAdded(pq: ProcessQueue): void;
  /** A queue was given up (already dropped): its offset is committed before it is unlocked. */
  queueRemoved(pq: ProcessQueue): Promise<void>;
}

/** Hands pulled messages to the listener (ConsumeMessageService, concurrent or orderly). */
export interface ConsumeService {
  /** Orderly: a queue is taken only with its broker lock, and consumed one message at a time. */
  readonly orderly: boolean;
  /** Messages just pulled for `pq`, already added to it, with the topic the application knows. */
  submit(pq: ProcessQueue, msgs: MessageExt[]): void;
  start(): void;
  shutdown(): void;
}

/** One pull of one queue, as the pull service asks for it (PullAPIWrapper#pullKernelImpl). */
export interface PullApi {
  /** `tagsSet`: tags to keep (empty keeps all); the broker filters by tag hash only. */
  pull(
    brokerName: string,
    header: PullMessageRequestHeader,
    timeoutMs: number,
    tagsSet: readonly string[],
  ): Promise<PullResult>;
}

/** What a pull came back with (PullResult), as impl/pull-api.ts decodes it. */
export type PullStatus = 'FOUND' | 'NO_NEW_MSG' | 'NO_MATCHED_MSG' | 'OFFSET_ILLEGAL' | 'ERROR';

export interface PullResult {
  status: PullStatus;
  /** The broker's response code and remark (what an ERROR says). */
  code: number;
  remark: string | undefined;
  /** NaN when the answer named none. */
  nextBeginOffset: number;
  /** The queue's max offset as the broker answered it (NaN or absent when it named none). */
  maxOffset?: number;
  /** FOUND: the records, inflated and filtered by tag; otherwise empty. */
  msgs: MessageExt[];
}
