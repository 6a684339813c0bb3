// CHECK_TRANSACTION_STATE (39) header, broker -> producer, one-way on the producer's connection:
// RocketMQ's CheckTransactionStateRequestHeader (spec transactions.md §1.5). topic is the half
// topic; tranStateTableOffset and commitLogOffset locate the half message's check copy, which the
// producer echoes in its END_TRANSACTION; msgId and transactionId are the UNIQ_KEY, offsetMsgId
// the copy's offset id. bname (RpcRequestHeader) names the broker asking.
import type { ExtFields } from '../remoting-command.js';
import { optString, reqLong } from './fields.js';
import { decodeRpcFields, encodeRpcFields, type RpcRequestFields } from './rpc-fields.js';

export interface CheckTransactionStateRequestHeader extends RpcRequestFields {
  topic?: string | undefined;
  tranStateTableOffset: number;
  commitLogOffset: number;
  msgId?: string | undefined;
  transactionId?: string | undefined;
  offsetMsgId?: string | undefined;
}

export function encodeCheckTransactionStateHeader(
  h: CheckTransactionStateRequestHeader,
): ExtFields {
  const out: ExtFields = {};
  if (h.topic !== undefined) out.topic = h.topic;
  out.tranStateTableOffset = String(h.tranStateTableOffset);
  out.commitLogOffset = String(h.commitLogOffset);
  if (h.msgId !== undefined) out.msgId = h.msgId;
  if (h.transactionId !== undefined) out.transactionId = h.transactionId;
  if (h.offsetMsgId !== undefined) out.offsetMsgId = h.offsetMsgId;
  return encodeRpcFields(out, h);
}

export function decodeCheckTransactionStateHeader(
  e: ExtFields,
): CheckTransactionStateRequestHeader {
  return {
    topic: optString(e, 'topic'),
    tranStateTableOffset: reqLong(e, 'tranStateTableOffset'),
    commitLogOffset: reqLong(e, 'commitLogOffset'),
    msgId: optString(e, 'msgId'),
    transactionId: optString(e, 'transactionId'),
    offsetMsgId: optString(e, 'offsetMsgId'),
    ...decodeRpcFields(e),
  };
}
