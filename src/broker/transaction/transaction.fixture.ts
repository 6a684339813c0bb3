// Transactions against an in-process broker: a half message sent as RocketMQ's clients send it
// (sysFlag 0x4, TRAN_MSG=true, PGROUP), END_TRANSACTION's fields for it, and what a topic holds.
// Test code only (*.fixture.ts).
import { expect } from 'vitest';
import { type MessageExt, MessageSysFlag } from '../../message/message.js';
import { encodeProperties } from '../../message/properties-codec.js';
import { decodeRecords } from '../../message/record-codec.js';
import { TBW102 } from '../../message/system-topics.js';
import { encodeEndTransactionHeader } from '../../protocol/headers/end-transaction.js';
import { encodeSendHeader } from '../../protocol/headers/send.js';
import type { ExtFields } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { InProcessBroker } from '../in-process-broker.fixture.js';

export const GROUP = 'TxGroup';
export const BORN = 1_700_000_000_123;

/** SEND_MESSAGE_V2's fields of a half message to `topic`/`queueId`. */
export function halfFields(
  topic: string,
  queueId: number,
  properties: Record<string, string> = {},
): ExtFields {
  return encodeSendHeader(
    {
      producerGroup: GROUP,
      topic,
      defaultTopic: TBW102,
      defaultTopicQueueNums: 4,
      queueId,
      sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE,
      bornTimestamp: BORN,
      flag: 7,
      properties: encodeProperties({ TRAN_MSG: 'true', PGROUP: GROUP, ...properties }),
    },
    { v2: true },
  );
}

export interface SentHalf {
  readonly queueOffset: number;
  readonly commitLogOffset: number;
  readonly transactionId: string;
  readonly queueId: number;
}

/** Sends a half message and returns what END_TRANSACTION needs of its answer. */
export async function sendHalf(
  h: InProcessBroker,
  topic: string,
  body: string,
  queueId = 1,
  properties: Record<string, string> = {},
): Promise<SentHalf> {
  const res = await h.request(
    RequestCode.SEND_MESSAGE_V2,
    halfFields(topic, queueId, properties),
    Buffer.from(body),
  );
  expect(res.code, res.remark).toBe(ResponseCode.SUCCESS);
  const e = res.extFields;
  return {
    queueOffset: Number(e.queueOffset),
    // The offset msgId's last 16 hex digits (MessageDecoder#decodeMessageId).
    commitLogOffset: Number.parseInt(e.msgId!.slice(-16), 16),
    transactionId: e.transactionId!,
    queueId: Number(e.queueId),
  };
}

/** END_TRANSACTION's fields for `half` with `decision` (8 commit, 12 rollback, 0 unknown). */
export function endFields(half: SentHalf, decision: number, over: Partial<ExtFields> = {}) {
  return {
    ...encodeEndTransactionHeader({
      producerGroup: GROUP,
      tranStateTableOffset: half.queueOffset,
      commitLogOffset: half.commitLogOffset,
      commitOrRollback: decision,
      fromTransactionCheck: false,
      msgId: half.transactionId,
      transactionId: half.transactionId,
    }),
    ...over,
  };
}

/** Everything stored in `topic`/`queueId`, decoded. */
export function storedIn(
  h: Pick<InProcessBroker, 'ctx'>,
  topic: string,
  queueId: number,
): MessageExt[] {
  const r = h.ctx.store.getMessage(topic, queueId, 0, 64);
  return decodeRecords(Buffer.concat(r.buffers));
}
