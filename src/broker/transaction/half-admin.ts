// Inspecting and forcing half messages (KiteMQ's own; RocketMQ has only
// AdminBrokerProcessor#resumeCheckHalfMessage, which this follows for resume):
// - list: the pending half messages (the check service's index) and the discarded ones (the
//   copies in TRANS_CHECK_MAX_TIME_TOPIC queue 0 whose transaction has no decision and is not
//   pending again), with real topic and queue, producer group, age, checks, transactionId and
//   commit-log offset.
// - counters per real topic: pending, committed, rolled back, discarded, checks sent. Pending,
//   committed, rolled back and discarded are computed from the index, the decision log and the
//   discard topic, and checks sent is kept in checks.json, so all survive a restart.
// - force: a commit or rollback of one transaction through TransactionService#end, the path
//   END_TRANSACTION takes (the first decision wins). A discarded one is ended from its copy.
// - resume (RESUME_CHECK_HALF_MESSAGE): the message at the offset msgId is put back into
//   RMQ_SYS_TRANS_HALF_TOPIC queue 0 with TRANSACTION_CHECK_TIMES=0, as RocketMQ does, and so
//   enters the index with no checks and waits transactionTimeOut again. Unlike RocketMQ, a
//   transaction already decided or already pending is not put back a second time.
import { MAX_RECOVERY_SCAN_RECORDS } from '../../common/limits.js';
import { MessageConst, type MessageExt, MessageSysFlag } from '../../message/message.js';
import { decodeOffsetMsgId } from '../../message/message-id.js';
import {
  RMQ_SYS_TRANS_HALF_TOPIC,
  TRANS_CHECK_MAX_TIME_TOPIC,
} from '../../message/system-topics.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { MessageStore } from '../../store/message-store.js';
import { readQueue } from '../copy-recovery.js';
import { isStored, toPut } from '../message-copy.js';
import type { TransactionCheckService } from './check-service.js';
import type { DecisionType } from './decision-log.js';
import { HALF_QUEUE_ID } from './half-message-hook.js';
import {
  type EndOutcome,
  type TransactionService,
  transactionIdOf,
} from './transaction-service.js';

/** MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES. */
export const TRANSACTION_CHECK_TIMES = 'TRANSACTION_CHECK_TIMES';

export interface HalfMessageInfo {
  readonly state: 'pending' | 'discarded';
  readonly topic: string;
  readonly queueId: number;
  readonly producerGroup: string;
  readonly transactionId: string;
  readonly commitLogOffset: number;
  readonly offsetMsgId: string;
  readonly storeTimestamp: number;
  readonly ageMs: number;
  readonly checks: number;
}

export interface TransactionCounters {
  readonly topic: string;
  pending: number;
  committed: number;
  rolledBack: number;
  discarded: number;
  checksSent: number;
}

export interface HalfAdminDeps {
  readonly store: Pick<MessageStore, 'lookMessageByOffset' | 'putMessage'> &
    Parameters<typeof readQueue>[0];
  readonly transactions: TransactionService;
  readonly checks: TransactionCheckService;
}

export class HalfMessageAdmin {
  private readonly d: HalfAdminDeps;
  /** Real topic by half offset, so a decision's topic is read from the store once. */
  private readonly topicOf = new Map<number, string>();

  constructor(d: HalfAdminDeps) {
    this.d = d;
  }

  /** Pending then discarded half messages, of `topic` only when given. */
  list(now: number, topic?: string): HalfMessageInfo[] {
    const out: HalfMessageInfo[] = [];
    for (const p of this.d.checks.pendingHalves()) {
      if (this.d.transactions.decisionOf(p.txId)) continue; // left at the next round
      const m = this.d.store.lookMessageByOffset(p.halfOffset);
      if (m) out.push(info('pending', m, p.txId, p.checks, now));
    }
    for (const [txId, m] of this.discarded()) {
      out.push(info('discarded', m, txId, Number(m.properties[TRANSACTION_CHECK_TIMES] ?? 0), now));
    }
    return topic === undefined ? out : out.filter((h) => h.topic === topic);
  }

  counters(now: number): TransactionCounters[] {
    const by = new Map<string, TransactionCounters>();
    const of = (topic: string) => {
      let c = by.get(topic);
      if (!c) {
        c = { topic, pending: 0, committed: 0, rolledBack: 0, discarded: 0, checksSent: 0 };
        by.set(topic, c);
      }
      return c;
    };
    for (const h of this.list(now)) of(h.topic)[h.state]++;
    for (const e of this.d.transactions.decisionEntries()) {
      const c = of(this.realTopicAt(e.halfOffset));
      if (e.decision === MessageSysFlag.TRANSACTION_COMMIT_TYPE) c.committed++;
      else c.rolledBack++;
    }
    for (const [topic, n] of this.d.checks.checksSentByTopic) of(topic).checksSent += n;
    return [...by.values()].sort((a, b) => a.topic.localeCompare(b.topic));
  }

  /** Ends `txId` as END_TRANSACTION would: pending, discarded, or already decided. */
  async force(txId: string, decision: DecisionType): Promise<EndOutcome> {
    const half = this.halfOf(txId);
    if (!half) {
      return {
        code: ResponseCode.QUERY_NOT_FOUND,
        remark: `no half message of transaction ${txId}`,
      };
    }
    return this.d.transactions.end(half, decision);
  }

  /** RESUME_CHECK_HALF_MESSAGE: the message at offset msgId `msgId` checked again. */
  async resume(msgId: string): Promise<EndOutcome> {
    let offset: number;
    try {
      offset = decodeOffsetMsgId(msgId).commitLogOffset;
    } catch {
      return { code: ResponseCode.SYSTEM_ERROR, remark: `'${msgId}' is not an offset msgId` };
    }
    const m = this.d.store.lookMessageByOffset(offset);
    if (!m || m.properties[MessageConst.REAL_TOPIC] === undefined) {
      return { code: ResponseCode.SYSTEM_ERROR, remark: `no half message at msgId ${msgId}` };
    }
    const txId = transactionIdOf(m);
    const decided = this.d.transactions.decisionOf(txId);
    if (decided) {
      const name =
        decided.decision === MessageSysFlag.TRANSACTION_COMMIT_TYPE ? 'committed' : 'rolled back';
      return { code: ResponseCode.SYSTEM_ERROR, remark: `transaction ${txId} is already ${name}` };
    }
    if (this.d.checks.isPending(txId)) {
      return { code: ResponseCode.SUCCESS, remark: `transaction ${txId} is already pending` };
    }
    const r = await this.d.store.putMessage(
      toPut(m, {
        topic: RMQ_SYS_TRANS_HALF_TOPIC,
        queueId: HALF_QUEUE_ID,
        set: { [TRANSACTION_CHECK_TIMES]: '0' },
      }),
    );
    if (!isStored(r)) {
      return {
        code: ResponseCode.SYSTEM_ERROR,
        remark: 'Put message back to RMQ_SYS_TRANS_HALF_TOPIC failed.',
      };
    }
    return { code: ResponseCode.SUCCESS };
  }

  private halfOf(txId: string): MessageExt | null | undefined {
    const p = this.d.checks.pendingHalves().find((x) => x.txId === txId);
    if (p) return this.d.store.lookMessageByOffset(p.halfOffset);
    const decided = this.d.transactions.decisionOf(txId);
    if (decided) return this.d.store.lookMessageByOffset(decided.halfOffset);
    return this.discarded().get(txId);
  }

  /** The discarded copies by transactionId (the latest), not decided and not pending again. */
  private discarded(): Map<string, MessageExt> {
    const out = new Map<string, MessageExt>();
    readQueue(this.d.store, TRANS_CHECK_MAX_TIME_TOPIC, 0, 0, MAX_RECOVERY_SCAN_RECORDS, (m) => {
      const txId = transactionIdOf(m);
      if (this.d.transactions.decisionOf(txId) || this.d.checks.isPending(txId)) return;
      out.set(txId, m);
    });
    return out;
  }

  private realTopicAt(halfOffset: number): string {
    let t = this.topicOf.get(halfOffset);
    if (t === undefined) {
      const m = this.d.store.lookMessageByOffset(halfOffset);
      t = m?.properties[MessageConst.REAL_TOPIC] ?? '';
      if (m) this.topicOf.set(halfOffset, t);
    }
    return t;
  }
}

function info(
  state: HalfMessageInfo['state'],
  m: MessageExt,
  txId: string,
  checks: number,
  now: number,
): HalfMessageInfo {
  return {
    state,
    topic: m.properties[MessageConst.REAL_TOPIC] ?? '',
    queueId: Number(m.properties[MessageConst.REAL_QID] ?? -1),
    producerGroup: m.properties[MessageConst.PGROUP] ?? '',
    transactionId: txId,
    commitLogOffset: m.commitLogOffset,
    offsetMsgId: m.offsetMsgId,
    storeTimestamp: m.storeTimestamp,
    ageMs: Math.max(0, now - m.storeTimestamp),
    checks,
  };
}
