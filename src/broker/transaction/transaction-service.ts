// The broker's transaction decisions (TransactionalMessageServiceImpl#commitMessage /
// #rollbackMessage / #deletePrepareMessage and EndTransactionProcessor#endMessageTransaction,
// spec transactions.md §1.2), keyed by transactionId rather than by half-queue offset:
// - the first decision wins. The same decision again is answered SUCCESS and does nothing (a
//   second commit never puts a second real message); the other decision is refused with a remark
//   naming the one recorded (RocketMQ accepts both: rocketmq#8158).
// - a decision is in decision-log.ts (fdatasync'd) before it is acted on. A commit then puts the
//   real message: REAL_TOPIC / REAL_QID, sysFlag COMMIT, preparedTransactionOffset = the half's
//   commit-log offset, born time and host, flag, body, reconsumeTimes and the other properties
//   kept, TRAN_MSG / REAL_TOPIC / REAL_QID dropped (PGROUP and __transactionId__ stay, as in
//   RocketMQ). Unlike RocketMQ the store timestamp is the put's own (the store stamps it).
// - at open the table is rebuilt from the log. A commit recorded without its "applied" record
//   (the broker died between the two) is looked for in its real queue, from the queue end the
//   decision recorded: a record there with preparedTransactionOffset = the half's commit-log
//   offset and the COMMIT type is the one the commit put (only END_TRANSACTION writes such a
//   record, and only once per half); found, the commit is marked applied; not found, it is put
//   now. Either way exactly one real message.
// - once a decision is durable (and a commit's real message stored), an op message marks the
//   half done in RMQ_SYS_TRANS_OP_HALF_TOPIC (op-messages.ts), for readers of the commit log
//   alone. At open the op queue is read too: a half named by an op record and absent from
//   decisions.log (the log lost, or the store written by a Java broker) counts as decided with
//   an unknown outcome: it is never checked, and an end of it is refused naming the op record.
// - decisions whose half message has left the commit log (no END_TRANSACTION or check can name
//   it any more) are dropped, from memory and from decisions.log by a compaction: at open, and
//   whenever the log has grown DECISION_LOG_COMPACT_BYTES since the last one.
import { DECISION_LOG_COMPACT_BYTES, MAX_RECOVERY_SCAN_RECORDS } from '../../common/limits.js';
import type { Logger } from '../../common/logger.js';
import {
  MessageConst,
  type MessageExt,
  MessageSysFlag,
  transactionType,
} from '../../message/message.js';
import {
  NOT_ALLOWED_SEND_TOPICS,
  RMQ_SYS_TRANS_OP_HALF_TOPIC,
} from '../../message/system-topics.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { FileIO } from '../../store/file-io.js';
import type { MessageStore } from '../../store/message-store.js';
import { readQueue } from '../copy-recovery.js';
import { isStored, realTarget, toPut } from '../message-copy.js';
import { mapPutStatus } from '../status-mapping.js';
import {
  type DecisionEntry,
  DecisionLog,
  type DecisionType,
  type LogEntry,
} from './decision-log.js';
import { HALF_QUEUE_ID, TRANSACTION_ID } from './half-message-hook.js';
import { opMessage, readOpRecords } from './op-messages.js';

export type TxStore = Pick<
  MessageStore,
  | 'putMessage'
  | 'lookMessageByOffset'
  | 'getMessage'
  | 'getMaxOffsetInQueue'
  | 'getAppendedMaxOffsetInQueue'
  | 'getMinOffsetInQueue'
  | 'minPhyOffset'
>;

export interface TransactionServiceOptions {
  /** Creates RMQ_SYS_TRANS_OP_HALF_TOPIC (1 queue) when it does not exist. */
  readonly ensureOpTopic?: () => void;
  /** Growth of decisions.log that starts a compaction (tests make it small). */
  readonly compactBytes?: number;
  /** brokerRole=SLAVE: unapplied commits are the master's to put (see open). */
  readonly follower?: boolean;
}

export interface EndOutcome {
  readonly code: number;
  readonly remark?: string | undefined;
}

interface TxState {
  readonly entry: DecisionEntry;
  durable: boolean;
  applied: boolean;
  /** The decision's recording and (for a commit) its put, in flight or done. */
  work: Promise<EndOutcome>;
}

const NAMES: Record<DecisionType, string> = { 8: 'committed', 12: 'rolled back' };

/** The transactionId a half message is ended by: __transactionId__, else its UNIQ_KEY. */
export function transactionIdOf(half: MessageExt): string {
  return (
    half.properties[TRANSACTION_ID] ??
    half.properties[MessageConst.UNIQ_KEY] ??
    `offset:${half.commitLogOffset}`
  );
}

export class TransactionService {
  private readonly store: TxStore;
  private readonly log: Logger;
  private readonly decisions: DecisionLog;
  private readonly table = new Map<string, TxState>();
  private readonly ensureOpTopic: () => void;
  private readonly compactBytes: number;
  /** Half-queue offset → op-queue offset, for halves an op record read at open names. */
  private opRecords = new Map<number, number>();

  private constructor(
    store: TxStore,
    log: Logger,
    decisions: DecisionLog,
    o: TransactionServiceOptions,
  ) {
    this.store = store;
    this.log = log;
    this.decisions = decisions;
    this.ensureOpTopic = o.ensureOpTopic ?? (() => {});
    this.compactBytes = o.compactBytes ?? DECISION_LOG_COMPACT_BYTES;
  }

  /**
   * Reads the decision log under `root` and applies the commits a crash left unapplied. A
   * `follower` (brokerRole=SLAVE) applies none: its master puts the real message and the slave
   * receives it with the replicated log; a put here would be a second copy, in a log that only
   * the master may write.
   */
  static async open(
    store: TxStore,
    io: FileIO,
    root: string,
    log: Logger,
    o: TransactionServiceOptions = {},
  ): Promise<TransactionService> {
    const { log: decisions, entries } = DecisionLog.open(io, root);
    const s = new TransactionService(store, log, decisions, o);
    const ops = readOpRecords(store, HALF_QUEUE_ID, MAX_RECOVERY_SCAN_RECORDS);
    if (!ops.complete) log.warn({ limit: MAX_RECOVERY_SCAN_RECORDS }, 'op queue scan cut short');
    s.opRecords = ops.records;
    const applied = new Set<string>();
    for (const e of entries) {
      if (e.kind === 'applied') applied.add(e.txId);
      else if (!s.table.has(e.txId)) {
        const done = { code: ResponseCode.SUCCESS };
        s.table.set(e.txId, {
          entry: e,
          durable: true,
          applied: false,
          work: Promise.resolve(done),
        });
      }
    }
    for (const st of s.table.values()) if (applied.has(st.entry.txId)) st.applied = true;
    s.compact();
    decisions.onGrown = () => s.compact();
    let skipped = 0;
    for (const st of s.table.values()) {
      if (st.entry.decision !== MessageSysFlag.TRANSACTION_COMMIT_TYPE || st.applied) continue;
      if (o.follower) skipped++;
      else await s.recoverCommit(st);
    }
    if (skipped > 0) {
      log.warn({ unapplied: skipped }, "slave: commits left unapplied are the master's to put");
    }
    return s;
  }

  /** The recorded decision for `txId`, if any. */
  decisionOf(txId: string): DecisionEntry | undefined {
    return this.table.get(txId)?.entry;
  }

  /**
   * The op-queue offset of the op record (read at open) that marks the half at `halfQueueOffset`
   * done, when decisions.log has no decision for it.
   */
  opRecordOf(halfQueueOffset: number): number | undefined {
    return this.opRecords.get(halfQueueOffset);
  }

  /** Every recorded decision (counters, the admin listing). */
  decisionEntries(): DecisionEntry[] {
    return [...this.table.values()].map((st) => st.entry);
  }

  /** How many decisions are known (tests, later counters). */
  get size(): number {
    return this.table.size;
  }

  /** fdatasync rounds of the decision log so far. */
  get syncs(): number {
    return this.decisions.syncs;
  }

  /** Ends the transaction of `half` (already validated against the request) with `decision`. */
  end(half: MessageExt, decision: DecisionType): Promise<EndOutcome> {
    const txId = transactionIdOf(half);
    const known = this.table.get(txId);
    if (known) return this.again(known, decision);
    const op = this.opRecords.get(half.queueOffset);
    if (op !== undefined) {
      return Promise.resolve({
        code: ResponseCode.TRANSACTION_FAILED,
        remark:
          `transaction ${txId} was already ended: op message ${RMQ_SYS_TRANS_OP_HALF_TOPIC} ` +
          `queue ${half.queueId} offset ${op} names its half; the ${NAMES[decision]} request ` +
          'is refused',
      });
    }
    let realQueueEnd = -1;
    if (decision === MessageSysFlag.TRANSACTION_COMMIT_TYPE) {
      const t = realTarget(half, [...NOT_ALLOWED_SEND_TOPICS]);
      if (typeof t === 'string') {
        return Promise.resolve({
          code: ResponseCode.SYSTEM_ERROR,
          remark: `the half message cannot be committed: ${t}`,
        });
      }
      realQueueEnd = this.store.getMaxOffsetInQueue(t.topic, t.queueId);
    }
    const entry: DecisionEntry = {
      kind: 'decided',
      txId,
      decision,
      halfOffset: half.commitLogOffset,
      halfQueueOffset: half.queueOffset,
      group: half.properties[MessageConst.PGROUP] ?? '',
      realQueueEnd,
      at: Date.now(),
    };
    const st: TxState = {
      entry,
      durable: false,
      applied: false,
      work: Promise.resolve({ code: 0 }),
    };
    // In the table before the first await: a concurrent end of the same transaction finds it.
    this.table.set(txId, st);
    st.work = this.record(st, half);
    return st.work;
  }

  /** The same transaction ended again: the first decision's outcome, or a refusal. */
  private async again(st: TxState, decision: DecisionType): Promise<EndOutcome> {
    const first = st.entry.decision;
    if (first !== decision) {
      return {
        code: ResponseCode.TRANSACTION_FAILED,
        remark:
          `transaction ${st.entry.txId} was already ${NAMES[first]} at ` +
          `${new Date(st.entry.at).toISOString()}; the ${NAMES[decision]} request is refused`,
      };
    }
    const prevWork = st.work;
    const prev = await prevWork;
    if (prev.code !== ResponseCode.SUCCESS) {
      // An earlier attempt failed (log not synced, put refused): tried again, once at a time.
      if (st.work !== prevWork) return st.work;
      const half = this.store.lookMessageByOffset(st.entry.halfOffset);
      if (!half) return { code: ResponseCode.SYSTEM_ERROR, remark: 'the half message is gone' };
      st.work = this.record(st, half);
      return st.work;
    }
    return { code: ResponseCode.SUCCESS, remark: `already ${NAMES[first]}` };
  }

  private async record(st: TxState, half: MessageExt): Promise<EndOutcome> {
    if (!st.durable) {
      try {
        await this.decisions.append(st.entry);
        st.durable = true;
      } catch (err) {
        this.log.error({ err, txId: st.entry.txId }, 'transaction decision not recorded');
        return { code: ResponseCode.SYSTEM_ERROR, remark: `decision not recorded: ${String(err)}` };
      }
    }
    if (st.entry.decision !== MessageSysFlag.TRANSACTION_COMMIT_TYPE || st.applied) {
      await this.writeOp(half);
      return { code: ResponseCode.SUCCESS };
    }
    const o = await this.apply(st, half);
    if (o.code === ResponseCode.SUCCESS) await this.writeOp(half);
    return o;
  }

  /** The op record of a decided half; decisions.log holds the decision, so a failure is logged. */
  private async writeOp(half: MessageExt): Promise<void> {
    try {
      this.ensureOpTopic();
      const r = await this.store.putMessage(opMessage(half, Date.now()));
      if (!isStored(r)) {
        this.log.warn({ status: r.status, halfOffset: half.commitLogOffset }, 'op message not put');
      }
    } catch (err) {
      this.log.warn({ err, halfOffset: half.commitLogOffset }, 'op message not put');
    }
  }

  /** Puts the commit's real message and records it applied. */
  private async apply(st: TxState, half: MessageExt): Promise<EndOutcome> {
    const t = realTarget(half, [...NOT_ALLOWED_SEND_TOPICS]);
    if (typeof t === 'string') return { code: ResponseCode.SYSTEM_ERROR, remark: t };
    const r = await this.store.putMessage(
      toPut(half, {
        topic: t.topic,
        queueId: t.queueId,
        clear: [MessageConst.TRAN_MSG, MessageConst.REAL_TOPIC, MessageConst.REAL_QID],
        sysFlag: (half.sysFlag & ~0xc) | MessageSysFlag.TRANSACTION_COMMIT_TYPE,
        preparedTransactionOffset: half.commitLogOffset,
      }),
    );
    if (!isStored(r)) {
      const o = mapPutStatus(r.status, r.remark);
      return { code: o.code, remark: o.remark };
    }
    st.applied = true;
    // Not waited for: lost, the commit is found in its real queue at the next open.
    this.decisions.append({ kind: 'applied', txId: st.entry.txId }).catch((err: unknown) => {
      this.log.warn({ err, txId: st.entry.txId }, 'applied mark of a commit not synced');
    });
    return { code: ResponseCode.SUCCESS };
  }

  /** A commit recorded and not marked applied: put it unless its real queue holds it. */
  private async recoverCommit(st: TxState): Promise<void> {
    const e = st.entry;
    const half = this.store.lookMessageByOffset(e.halfOffset);
    if (!half) {
      this.log.warn({ txId: e.txId, halfOffset: e.halfOffset }, 'committed half message is gone');
      return;
    }
    const t = realTarget(half, [...NOT_ALLOWED_SEND_TOPICS]);
    if (typeof t === 'string') return;
    let found = false;
    const from = Math.max(e.realQueueEnd, this.store.getMinOffsetInQueue(t.topic, t.queueId));
    readQueue(this.store, t.topic, t.queueId, from, MAX_RECOVERY_SCAN_RECORDS, (m) => {
      if (
        m.preparedTransactionOffset === e.halfOffset &&
        transactionType(m.sysFlag) === MessageSysFlag.TRANSACTION_COMMIT_TYPE
      ) {
        found = true;
      }
    });
    // Either way its op message may not have been written before the crash: written (again; a
    // second op for one offset is harmless to every reader).
    if (found) {
      st.applied = true;
      await this.decisions.append({ kind: 'applied', txId: e.txId });
      await this.writeOp(half);
      return;
    }
    const o = await this.apply(st, half);
    if (o.code === ResponseCode.SUCCESS) await this.writeOp(half);
    st.work = Promise.resolve(o); // a failed put is tried again by the next commit request
    this.log.info({ txId: e.txId, code: o.code }, 'commit recorded before a crash applied now');
  }

  /**
   * Drops the decisions whose half message has left the commit log and rewrites decisions.log
   * without them; true when it did. Not while an append waits for its fdatasync.
   */
  compact(): boolean {
    if (this.decisions.busy) return false;
    const min = this.store.minPhyOffset;
    const kept: LogEntry[] = [];
    const dropped: string[] = [];
    for (const [txId, st] of this.table) {
      if (!st.durable) continue; // not in the log (its append failed); kept in memory
      if (st.entry.halfOffset < min) {
        dropped.push(txId);
        continue;
      }
      kept.push(st.entry);
      if (st.applied) kept.push({ kind: 'applied', txId });
    }
    let done = false;
    if (dropped.length > 0) {
      try {
        this.decisions.rewrite(kept);
        for (const txId of dropped) this.table.delete(txId);
        done = true;
        this.log.info({ dropped: dropped.length, kept: kept.length }, 'decisions.log compacted');
      } catch (err) {
        this.log.warn({ err }, 'decisions.log not compacted');
      }
    }
    this.decisions.compactAt = this.decisions.size + this.compactBytes;
    return done;
  }

  /** Bytes in decisions.log (tests, inspection). */
  get logSize(): number {
    return this.decisions.size;
  }

  close(): void {
    this.decisions.close();
  }
}
