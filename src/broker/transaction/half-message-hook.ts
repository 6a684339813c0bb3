// The half message of a transaction (SendMessageProcessor#sendMessage's TRAN_MSG branch and
// TransactionalMessageBridge#parseHalfMessageInner; spec transactions.md §1.1): a send whose
// TRAN_MSG property is "true" is stored in RMQ_SYS_TRANS_HALF_TOPIC queue 0 instead of its topic,
// with REAL_TOPIC / REAL_QID naming where END_TRANSACTION's commit puts it, __transactionId__ =
// its UNIQ_KEY, and the transaction bits of sysFlag cleared so the store gives it a consume-queue
// entry like any normal message. The first put hook: what it stores is not consumable, so no
// delay or timer may divert it (the later hooks only look at the real message on commit).
// Refused, as RocketMQ refuses or never lets through:
// - rejectTransactionMessage=true: NO_PERMISSION, the remark RocketMQ gives.
// - a DELAY level: RocketMQ's broker keeps it, and the committed message then loops between
//   SCHEDULE_TOPIC_XXXX and the half topic (rocketmq#1540); its clients clear the level before a
//   transactional send (DefaultMQProducerImpl#sendMessageInTransaction, "ignore DelayTimeLevel"),
//   so a client that sends one asked for something no RocketMQ client sends: MESSAGE_ILLEGAL.
//   Timer properties likewise. The exception is RocketMQ's own: an old client's retry (4.6.1 and
//   earlier) carries TRAN_MSG with reconsumeTimes > 0 and a delay level, and is a normal message.
// Batches with TRAN_MSG are refused in send-batch.ts (the hooks do not run on batches).

import { effectiveDelayLevel } from '../../message/delay-level.js';
import { MessageConst, type MessageToStore } from '../../message/message.js';
import { RMQ_SYS_TRANS_HALF_TOPIC } from '../../message/system-topics.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { PutHook } from '../put-hooks.js';
import { hasTimerProperty } from '../timer/timer-hook.js';

/** MessageConst.PROPERTY_TRANSACTION_ID: the UNIQ_KEY a half message is ended by. */
export const TRANSACTION_ID = '__transactionId__';
/** The half topic's queue: one, as RocketMQ creates it. */
export const HALF_QUEUE_ID = 0;

export interface HalfMessageSettings {
  /** rejectTransactionMessage. */
  readonly reject: boolean;
  /** brokerIP1, named in the refusal as RocketMQ names it. */
  readonly brokerIP1: string;
  /** Creates RMQ_SYS_TRANS_HALF_TOPIC (1 queue, read and write) when it does not exist. */
  readonly ensureHalfTopic: () => void;
  readonly levels: readonly number[];
}

/** Whether `m` asks to be a half message (RocketMQ's test, old-client retries excepted). */
export function isHalfMessage(m: MessageToStore, levels: readonly number[]): boolean {
  if (m.properties[MessageConst.TRAN_MSG] !== 'true') return false;
  const level = effectiveDelayLevel(m.properties[MessageConst.DELAY], levels);
  return !(m.reconsumeTimes > 0 && typeof level === 'number' && level > 0);
}

export function halfMessageHook(s: HalfMessageSettings): PutHook {
  return {
    name: 'halfMessage',
    apply(m) {
      if (!isHalfMessage(m, s.levels)) return undefined;
      if (s.reject) {
        return {
          error: `the broker[${s.brokerIP1}] sending transaction message is forbidden`,
          code: ResponseCode.NO_PERMISSION,
        };
      }
      const delay = m.properties[MessageConst.DELAY];
      if (delay !== undefined && effectiveDelayLevel(delay, s.levels) !== 0) {
        return { error: 'transaction messages cannot carry a delay level (DELAY)' };
      }
      if (hasTimerProperty(m.properties)) {
        return { error: 'transaction messages cannot carry timer properties' };
      }
      s.ensureHalfTopic();
      return { message: toHalf(m) };
    },
  };
}

/** parseHalfMessageInner: `m` as the half topic stores it; `m` itself is not changed. */
export function toHalf(m: MessageToStore): MessageToStore {
  const properties = { ...m.properties };
  properties[MessageConst.REAL_TOPIC] = m.topic;
  properties[MessageConst.REAL_QID] = String(m.queueId);
  const uniq = properties[MessageConst.UNIQ_KEY];
  if (uniq !== undefined) properties[TRANSACTION_ID] = uniq;
  return {
    ...m,
    topic: RMQ_SYS_TRANS_HALF_TOPIC,
    queueId: HALF_QUEUE_ID,
    sysFlag: m.sysFlag & ~0xc, // MessageSysFlag.resetTransactionValue(_, TRANSACTION_NOT_TYPE)
    properties,
  };
}
