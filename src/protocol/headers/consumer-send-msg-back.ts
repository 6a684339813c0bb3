// CONSUMER_SEND_MSG_BACK (36) header: RocketMQ's ConsumerSendMsgBackRequestHeader (spec part 2
// §5.2). offset is the consumed message's commit-log offset; delayLevel 0 lets the broker pick
// 3 + reconsumeTimes, below 0 dead-letters at once; maxReconsumeTimes counts from request
// version 121. Every value is sent as a string; undefined optionals are left out.
import type { ExtFields } from '../remoting-command.js';
import { optInt, optString, reqInt, reqLong, reqString } from './fields.js';
import { int32 } from './int32.js';

export interface ConsumerSendMsgBackRequestHeader {
  offset: number;
  group: string;
  delayLevel: number;
  originMsgId?: string | undefined;
  originTopic?: string | undefined;
  unitMode?: boolean | undefined;
  maxReconsumeTimes?: number | undefined;
}

/** unitMode is not read: the broker has no unit mode. */
export interface DecodedSendMsgBackHeader extends ConsumerSendMsgBackRequestHeader {
  originMsgId: string | undefined;
  originTopic: string | undefined;
  maxReconsumeTimes: number | undefined;
}

export function encodeSendMsgBackHeader(h: ConsumerSendMsgBackRequestHeader): ExtFields {
  const out: ExtFields = {
    offset: String(h.offset),
    group: h.group,
    delayLevel: String(h.delayLevel),
  };
  if (h.originMsgId !== undefined) out.originMsgId = h.originMsgId;
  if (h.originTopic !== undefined) out.originTopic = h.originTopic;
  if (h.unitMode !== undefined) out.unitMode = h.unitMode ? 'true' : 'false';
  if (h.maxReconsumeTimes !== undefined) out.maxReconsumeTimes = String(h.maxReconsumeTimes);
  return out;
}

export function decodeSendMsgBackHeader(e: ExtFields): DecodedSendMsgBackHeader {
  return {
    offset: reqLong(e, 'offset'),
    group: reqString(e, 'group'),
    delayLevel: int32('delayLevel', reqInt(e, 'delayLevel')),
    originMsgId: optString(e, 'originMsgId'),
    originTopic: optString(e, 'originTopic'),
    maxReconsumeTimes: int32('maxReconsumeTimes', optInt(e, 'maxReconsumeTimes')),
  };
}
