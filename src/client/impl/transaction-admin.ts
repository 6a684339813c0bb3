// The admin client's transaction calls (KiteMQ's own 10301 / 10302, and RocketMQ's
// RESUME_CHECK_HALF_MESSAGE 323 as MQClientAPIImpl#resumeCheckHalfMessage sends it): list the
// pending and discarded half messages of a broker with its per-topic counters, force a commit or
// rollback by transactionId, put a discarded half back to be checked.
import { MessageSysFlag } from '../../message/message.js';
import { createRequest } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { MQBrokerError, MQClientError } from '../errors.js';
import type { ClientInstance } from './client-instance.js';

/** One half message as the broker lists it (KITEMQ_QUERY_HALF_MESSAGES). */
export interface HalfMessage {
  state: 'pending' | 'discarded';
  topic: string;
  queueId: number;
  producerGroup: string;
  transactionId: string;
  commitLogOffset: number;
  offsetMsgId: string;
  storeTimestamp: number;
  ageMs: number;
  checks: number;
}

/** A real topic's transaction counters on one broker. */
export interface TransactionCounters {
  topic: string;
  pending: number;
  committed: number;
  rolledBack: number;
  discarded: number;
  checksSent: number;
}

export interface HalfMessageReport {
  halfMessages: HalfMessage[];
  counters: TransactionCounters[];
}

export async function queryHalfMessages(
  client: ClientInstance,
  brokerAddr: string,
  topic?: string,
): Promise<HalfMessageReport> {
  const ext = topic === undefined ? {} : { topic };
  const res = await client.remoting.invoke(
    brokerAddr,
    createRequest(RequestCode.KITEMQ_QUERY_HALF_MESSAGES, 0, ext),
  );
  if (res.code !== ResponseCode.SUCCESS) throw new MQBrokerError(res.code, res.remark, brokerAddr);
  if (!res.body)
    throw new MQClientError(`${brokerAddr} answered the half message query with no body`);
  return JSON.parse(res.body.toString('utf8')) as HalfMessageReport;
}

/** Commits (true) or rolls back (false) `transactionId`; returns the broker's remark. */
export async function endHalfMessage(
  client: ClientInstance,
  brokerAddr: string,
  transactionId: string,
  commit: boolean,
): Promise<string> {
  const d = commit
    ? MessageSysFlag.TRANSACTION_COMMIT_TYPE
    : MessageSysFlag.TRANSACTION_ROLLBACK_TYPE;
  const res = await client.remoting.invoke(
    brokerAddr,
    createRequest(RequestCode.KITEMQ_END_HALF_MESSAGE, 0, {
      transactionId,
      commitOrRollback: String(d),
    }),
  );
  if (res.code !== ResponseCode.SUCCESS) throw new MQBrokerError(res.code, res.remark, brokerAddr);
  return res.remark ?? '';
}

/** RESUME_CHECK_HALF_MESSAGE for the offset msgId of a discarded half. */
export async function resumeCheckHalfMessage(
  client: ClientInstance,
  brokerAddr: string,
  msgId: string,
  topic?: string,
): Promise<string> {
  const ext: Record<string, string> = { msgId };
  if (topic !== undefined) ext.topic = topic;
  const res = await client.remoting.invoke(
    brokerAddr,
    createRequest(RequestCode.RESUME_CHECK_HALF_MESSAGE, 0, ext),
  );
  if (res.code !== ResponseCode.SUCCESS) throw new MQBrokerError(res.code, res.remark, brokerAddr);
  return res.remark ?? '';
}
