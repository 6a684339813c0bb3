// END_TRANSACTION (37) header, producer -> broker, one-way: RocketMQ's EndTransactionRequestHeader
// (spec transactions.md §1.2). commitOrRollback is a transaction type of MessageSysFlag: 0 (not
// known yet), 8 (commit) or 12 (rollback); anything else is refused, as checkFields refuses it.
// tranStateTableOffset and commitLogOffset locate the half message (its queue offset in the half
// topic, its commit-log offset); msgId and transactionId are its UNIQ_KEY.
import { RequestValidationError } from '../../common/errors.js';
import { MessageSysFlag } from '../../message/message.js';
import type { ExtFields } from '../remoting-command.js';
import { ResponseCode } from '../response-code.js';
import { optBool, optString, reqInt, reqLong, reqString } from './fields.js';
import { decodeRpcFields, encodeRpcFields, type RpcRequestFields } from './rpc-fields.js';

export interface EndTransactionRequestHeader extends RpcRequestFields {
  topic?: string | undefined;
  producerGroup: string;
  tranStateTableOffset: number;
  commitLogOffset: number;
  commitOrRollback: number;
  fromTransactionCheck?: boolean | undefined;
  msgId: string;
  transactionId?: string | undefined;
}

export interface DecodedEndTransactionHeader extends EndTransactionRequestHeader {
  fromTransactionCheck: boolean;
}

export function encodeEndTransactionHeader(h: EndTransactionRequestHeader): ExtFields {
  const out: ExtFields = {};
  if (h.topic !== undefined) out.topic = h.topic;
  out.producerGroup = h.producerGroup;
  out.tranStateTableOffset = String(h.tranStateTableOffset);
  out.commitLogOffset = String(h.commitLogOffset);
  out.commitOrRollback = String(h.commitOrRollback);
  if (h.fromTransactionCheck !== undefined) {
    out.fromTransactionCheck = h.fromTransactionCheck ? 'true' : 'false';
  }
  out.msgId = h.msgId;
  if (h.transactionId !== undefined) out.transactionId = h.transactionId;
  return encodeRpcFields(out, h);
}

export function decodeEndTransactionHeader(e: ExtFields): DecodedEndTransactionHeader {
  return {
    topic: optString(e, 'topic'),
    producerGroup: reqString(e, 'producerGroup'),
    tranStateTableOffset: reqLong(e, 'tranStateTableOffset'),
    commitLogOffset: reqLong(e, 'commitLogOffset'),
    commitOrRollback: commitOrRollback(e),
    fromTransactionCheck: optBool(e, 'fromTransactionCheck', false),
    msgId: reqString(e, 'msgId'),
    transactionId: optString(e, 'transactionId'),
    ...decodeRpcFields(e),
  };
}

function commitOrRollback(e: ExtFields): number {
  const v = reqInt(e, 'commitOrRollback');
  if (
    v !== MessageSysFlag.TRANSACTION_NOT_TYPE &&
    v !== MessageSysFlag.TRANSACTION_COMMIT_TYPE &&
    v !== MessageSysFlag.TRANSACTION_ROLLBACK_TYPE
  ) {
    throw new RequestValidationError(
      ResponseCode.SYSTEM_ERROR,
      `the request header field 'commitOrRollback' must be 0 (unknown), 8 (commit) or 12 ` +
        `(rollback), got '${v}'`,
    );
  }
  return v;
}
