// The transaction check-back (TransactionalMessageCheckService, TransactionalMessageServiceImpl
// #check, AbstractTransactionalMessageCheckListener#sendCheckMessage; spec transactions.md
// §1.4–1.5), on RIP-82's idea rather than RocketMQ's queue walk: an index of the pending half
// messages (transactionId → half offsets, store time, checks sent), fed by a store dispatcher
// and rebuilt at open from the half queue, with the check count kept in place
// (transaction/checks.json, check-counts.ts: written atomically after a round that changed it,
// with the counters, so neither transactionCheckMax nor the counts restart from zero) — no copy
// of the half message is appended per check. The rebuild reads the half queue from its first
// offset, so a start costs one pass over the half messages still stored (a resume offset is for
// later), and skips the halves discarded since they were stored.
// A round (every transactionCheckInterval): a half with a recorded decision leaves the index
// (no check-back once any decision is known); one younger than transactionTimeOut (or its
// CHECK_IMMUNITY_TIME_IN_SECONDS) waits; one checked transactionCheckMax times, or stored longer
// ago than fileReservedTime hours (#check's needSkip, which also discards), is copied to
// TRANS_CHECK_MAX_TIME_TOPIC queue 0 and dropped; the others get CHECK_TRANSACTION_STATE (39),
// one-way, on a live connection of their producer group (ProducerManager, learned from
// HEART_BEAT), with RocketMQ's header and the message in commit-log encoding, its real topic
// and queue put back, as the body. A round with no connection for the group sends nothing and
// counts nothing (RocketMQ counts it and so may discard a half nobody was asked about).
// fileReservedTime is measured from the store time, the broker's clock, where RocketMQ takes the
// born time: a producer whose clock runs days behind would have its halves discarded unchecked.
import { join } from 'node:path';
import {
  DEFAULT_FILE_RESERVED_TIME_HOURS,
  MAX_RECOVERY_SCAN_RECORDS,
  TRANSACTION_RECHECK_FRACTION,
} from '../../common/limits.js';
import type { Logger } from '../../common/logger.js';
import { PERM_READ, PERM_WRITE } from '../../common/perm.js';
import { MessageConst, type MessageExt } from '../../message/message.js';
import { encodeRecord, setRecordPositions } from '../../message/record-codec.js';
import {
  RMQ_SYS_TRANS_HALF_TOPIC,
  TRANS_CHECK_MAX_TIME_TOPIC,
} from '../../message/system-topics.js';
import { encodeCheckTransactionStateHeader } from '../../protocol/headers/check-transaction-state.js';
import { createRequest } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import type { DispatchRequest } from '../../store/dispatcher.js';
import type { FileIO } from '../../store/file-io.js';
import type { MessageStore } from '../../store/message-store.js';
import { readQueue } from '../copy-recovery.js';
import type { ProducerManager } from '../managers/producer-manager.js';
import type { TopicConfigManager } from '../managers/topic-config-manager.js';
import { isStored, realTarget, toPut } from '../message-copy.js';
import { encodeCheckCounts, readCheckCounts } from './check-counts.js';
import { DECISION_LOG_DIR } from './decision-log.js';
import { HALF_QUEUE_ID } from './half-message-hook.js';
import type { TransactionService } from './transaction-service.js';

/** MessageConst.PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS. */
export const CHECK_IMMUNITY_TIME_IN_SECONDS = 'CHECK_IMMUNITY_TIME_IN_SECONDS';
export const CHECKS_FILE = 'checks.json';

export interface CheckSettings {
  /** transactionTimeOut, ms. */
  readonly timeoutMs: number;
  /** transactionCheckInterval, ms. */
  readonly intervalMs: number;
  /** transactionCheckMax. */
  readonly checkMax: number;
  /** fileReservedTime in ms; DEFAULT_FILE_RESERVED_TIME_HOURS when not given. */
  readonly fileReservedTimeMs?: number;
  readonly brokerName: string;
  /**
   * brokerRole=SLAVE: no index, no round. The replicated half and op records just sit in the
   * log; the master asks the producers, and its decision reaches the slave as replicated records.
   */
  readonly follower?: boolean;
}

export interface CheckDeps {
  readonly store: MessageStore;
  readonly producers: ProducerManager;
  readonly transactions: TransactionService;
  readonly topics: TopicConfigManager;
  readonly io: FileIO;
  readonly root: string;
  readonly log: Logger;
}

interface Pending {
  readonly halfOffset: number;
  readonly storeTimestamp: number;
  checks: number;
  lastCheckAt: number;
}

export class TransactionCheckService {
  private readonly d: CheckDeps;
  private readonly s: CheckSettings;
  private readonly pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** CHECK_TRANSACTION_STATE requests sent, and half messages discarded (counters, kept). */
  checksSent = 0;
  discarded = 0;
  /** CHECK_TRANSACTION_STATE requests sent per real topic (kept across restarts). */
  readonly checksSentByTopic = new Map<string, number>();

  constructor(d: CheckDeps, s: CheckSettings) {
    this.d = d;
    this.s = s;
    // A follower keeps no index: no round would ever prune it, and every replicated half would
    // stay in memory. Restarted as a master, the broker rebuilds it from the half queue.
    if (s.follower) return;
    const counts = readCheckCounts(d.io, this.checksPath);
    const saved = counts.checks;
    this.checksSent = counts.checksSent;
    this.discarded = counts.discarded;
    for (const [t, n] of Object.entries(counts.checksSentByTopic)) this.checksSentByTopic.set(t, n);
    const discardedAt = this.discardCopies();
    const whole = readQueue(
      d.store,
      RMQ_SYS_TRANS_HALF_TOPIC,
      HALF_QUEUE_ID,
      0,
      MAX_RECOVERY_SCAN_RECORDS,
      (m) => {
        const txId = uniqOf(m);
        // An op record read at open and no decision logged: ended all the same, never checked.
        if (d.transactions.opRecordOf(m.queueOffset) !== undefined) return;
        // Discarded after this copy was stored (a resumed copy is stored after its discard).
        if ((discardedAt.get(txId) ?? -1) > m.commitLogOffset) return;
        this.add(txId, m.commitLogOffset, m.storeTimestamp, saved[txId] ?? 0);
      },
    );
    if (!whole) d.log.warn({ limit: MAX_RECOVERY_SCAN_RECORDS }, 'half queue scan cut short');
    d.store.addDispatcher({
      dispatch: (r: DispatchRequest) => {
        if (r.topic !== RMQ_SYS_TRANS_HALF_TOPIC || r.uniqKey === undefined) return;
        this.add(r.uniqKey, r.commitLogOffset, r.storeTimestamp, 0);
      },
    });
  }

  /** transactionId → commit-log offset of its latest copy in TRANS_CHECK_MAX_TIME_TOPIC. */
  private discardCopies(): Map<string, number> {
    const at = new Map<string, number>();
    const { store, log } = this.d;
    const limit = MAX_RECOVERY_SCAN_RECORDS;
    const whole = readQueue(store, TRANS_CHECK_MAX_TIME_TOPIC, 0, 0, limit, (m) => {
      at.set(uniqOf(m), m.commitLogOffset);
    });
    if (!whole) log.warn({ limit }, 'discarded half scan cut short');
    return at;
  }

  private add(txId: string, halfOffset: number, storeTimestamp: number, checks: number): void {
    if (this.pending.has(txId) || this.d.transactions.decisionOf(txId)) return;
    this.pending.set(txId, { halfOffset, storeTimestamp, checks, lastCheckAt: 0 });
  }

  /** Half messages still waiting for a decision. */
  get size(): number {
    return this.pending.size;
  }

  checksOf(txId: string): number | undefined {
    return this.pending.get(txId)?.checks;
  }

  /** The pending half messages: transactionId, half offset, store time, checks sent. */
  pendingHalves(): { txId: string; halfOffset: number; storeTimestamp: number; checks: number }[] {
    return [...this.pending].map(([txId, p]) => ({
      txId,
      halfOffset: p.halfOffset,
      storeTimestamp: p.storeTimestamp,
      checks: p.checks,
    }));
  }

  isPending(txId: string): boolean {
    return this.pending.has(txId);
  }

  start(): void {
    if (this.s.follower) return;
    this.timer = setInterval(() => {
      this.running ??= this.round(Date.now()).finally(() => {
        this.running = undefined;
      });
    }, this.s.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One check round at time `now` (ms); tests call it with their own clock. */
  async round(now: number): Promise<void> {
    if (this.s.follower) return;
    let changed = false;
    for (const [txId, p] of [...this.pending]) {
      if (this.d.transactions.decisionOf(txId)) {
        this.pending.delete(txId);
        changed = true;
        continue;
      }
      const half = this.d.store.lookMessageByOffset(p.halfOffset);
      if (!half) {
        this.pending.delete(txId); // its segment is gone (fileReservedTime)
        changed = true;
        continue;
      }
      const immunity = Math.max(
        Number(half.properties[CHECK_IMMUNITY_TIME_IN_SECONDS] ?? 0) * 1000 || 0,
        this.s.timeoutMs,
      );
      if (now - p.storeTimestamp < immunity) continue;
      const overdue = now - p.storeTimestamp > this.reservedMs;
      if (p.checks >= this.s.checkMax || overdue) {
        if (await this.discard(txId, half, p.checks, overdue)) changed = true;
        continue;
      }
      const recheckMs = this.s.intervalMs * TRANSACTION_RECHECK_FRACTION;
      if (p.lastCheckAt !== 0 && now - p.lastCheckAt < recheckMs) continue;
      if (this.check(txId, half)) {
        p.checks++;
        p.lastCheckAt = now;
        changed = true;
      }
    }
    if (changed) await this.saveChecks();
  }

  private check(txId: string, half: MessageExt): boolean {
    const group = half.properties[MessageConst.PGROUP];
    const conn = group === undefined ? undefined : this.d.producers.availableChannel(group);
    if (!conn) {
      this.d.log.warn({ txId, group }, 'no producer of the group to check a transaction with');
      return false;
    }
    const header = encodeCheckTransactionStateHeader({
      topic: RMQ_SYS_TRANS_HALF_TOPIC,
      tranStateTableOffset: half.queueOffset,
      commitLogOffset: half.commitLogOffset,
      msgId: txId,
      transactionId: txId,
      offsetMsgId: half.offsetMsgId,
      bname: this.s.brokerName,
    });
    conn.invokeOneway(
      createRequest(RequestCode.CHECK_TRANSACTION_STATE, 0, header, checkBody(half), true),
    );
    this.checksSent++;
    const topic = half.properties[MessageConst.REAL_TOPIC] ?? '';
    this.checksSentByTopic.set(topic, (this.checksSentByTopic.get(topic) ?? 0) + 1);
    return true;
  }

  private get reservedMs(): number {
    return this.s.fileReservedTimeMs ?? DEFAULT_FILE_RESERVED_TIME_HOURS * 3_600_000;
  }

  private async discard(
    txId: string,
    half: MessageExt,
    checks: number,
    overdue: boolean,
  ): Promise<boolean> {
    this.d.topics.createTopicInSendMessageBackMethod(
      TRANS_CHECK_MAX_TIME_TOPIC,
      1,
      PERM_READ | PERM_WRITE,
    );
    const r = await this.d.store.putMessage(
      toPut(half, {
        topic: TRANS_CHECK_MAX_TIME_TOPIC,
        queueId: 0,
        set: { TRANSACTION_CHECK_TIMES: String(checks) },
      }),
    );
    if (!isStored(r)) return false;
    this.pending.delete(txId);
    this.discarded++;
    const why = overdue ? 'older than fileReservedTime' : 'checked transactionCheckMax times';
    this.d.log.error({ txId, checks }, `half message discarded: ${why}`);
    return true;
  }

  private get checksPath(): string {
    return join(this.d.root, DECISION_LOG_DIR, CHECKS_FILE);
  }

  private async saveChecks(): Promise<void> {
    const checks: Record<string, number> = {};
    for (const [txId, p] of this.pending) if (p.checks > 0) checks[txId] = p.checks;
    const text = encodeCheckCounts({
      checks,
      checksSent: this.checksSent,
      discarded: this.discarded,
      checksSentByTopic: Object.fromEntries(this.checksSentByTopic),
    });
    try {
      await this.d.io.writeFileAtomicAsync(this.checksPath, text);
    } catch (err) {
      this.d.log.warn({ err }, 'transaction check counts not written');
    }
  }
}

function uniqOf(m: MessageExt): string {
  return m.properties.__transactionId__ ?? m.properties[MessageConst.UNIQ_KEY] ?? '';
}

/** The check's body: the half in commit-log encoding, its real topic and queue put back. */
export function checkBody(half: MessageExt): Buffer {
  const t = realTarget(half, []);
  const real = typeof t === 'string' ? { topic: half.topic, queueId: half.queueId } : t;
  const e = encodeRecord(toPut(half, { topic: real.topic, queueId: real.queueId }));
  const ts = half.storeTimestamp;
  setRecordPositions(e.bytes, 0, e.storeTimestampPos, half.queueOffset, half.commitLogOffset, ts);
  return e.bytes;
}
