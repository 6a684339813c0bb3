// SEND_BATCH_MESSAGE (320), or a V2 send with batch=true (SendMessageProcessor#sendBatchMessage;
// body layout: message/batch-codec.ts, spec part 1 §4.6). Refused with MESSAGE_ILLEGAL (13): a
// %RETRY% topic, a body that does not decode or holds nothing, TRAN_MSG=true, a DELAY level or
// timer property on the batch or any message in it (the put hooks are not run on batches).
// Batch-level properties fill in what a message does not set itself. Response: msgIds
// comma-joined, the queue asked for, the first message's queue offset. A BatchCQ topic stores a
// batch carrying its own UNIQ_KEY as one inner-batch record; its msgId is that record's.

import { decodeBatch } from '../../message/batch-codec.js';
import { MessageConst, MessageSysFlag, type MessageToStore } from '../../message/message.js';
import { decodeProperties } from '../../message/properties-codec.js';
import { encodeSendResponseHeader } from '../../protocol/headers/send.js';
import {
  createResponse,
  createResponseWithFields,
  type RemotingCommand,
} from '../../protocol/remoting-command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Connection } from '../../remoting/connection.js';
import type { BrokerContext } from '../broker-context.js';
import type { TopicConfig } from '../managers/topic-config-manager.js';
import { hasTimerProperty } from '../timer/timer-hook.js';
import { isBatchCq } from '../topic-attributes.js';
import { RETRY_GROUP_TOPIC_PREFIX } from '../topic-validator.js';
import { completeProperties, putOutcome, type SendFields, toStore } from './send-common.js';

/** What of a send header the batch path reads. */
export interface BatchSendFields extends SendFields {
  readonly properties: string | undefined;
  /** The batch's flag: an inner-batch record keeps it (its messages carry their own). */
  readonly flag?: number;
}

/** Why a decoded batch is refused (a delay or a timer asked for), or undefined. */
function refuseBatch(
  items: ReturnType<typeof decodeBatch>,
  batchProps: Record<string, string>,
): string | undefined {
  // RocketMQ's clients have no transactional batch; a half message is ended one by one.
  const tx = (p: Record<string, string>) => p[MessageConst.TRAN_MSG] === 'true';
  if (tx(batchProps) || items.some((it) => tx(it.properties))) {
    return 'batch messages cannot be transactional (TRAN_MSG); send half messages one by one';
  }
  if (Number(batchProps[MessageConst.DELAY] ?? 0) > 0) {
    return 'batch messages cannot carry a delay level';
  }
  if (hasTimerProperty(batchProps) || items.some((it) => hasTimerProperty(it.properties))) {
    return (
      'batch messages cannot carry timer properties (TIMER_DELIVER_MS, TIMER_DELAY_SEC, ' +
      'TIMER_DELAY_MS); send them one by one'
    );
  }
  return undefined;
}

export async function sendBatch(
  ctx: BrokerContext,
  req: RemotingCommand,
  conn: Connection,
  h: BatchSendFields,
  tc: TopicConfig,
  queueId: number,
  body: Buffer,
  base: Record<string, string>,
): Promise<RemotingCommand> {
  if (h.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) {
    return createResponse(
      req,
      ResponseCode.MESSAGE_ILLEGAL,
      'batch request does not support retry group topic',
      base,
    );
  }
  let items: ReturnType<typeof decodeBatch>;
  try {
    items = decodeBatch(body);
  } catch (err) {
    return createResponse(
      req,
      ResponseCode.MESSAGE_ILLEGAL,
      `malformed batch body: ${(err as Error).message}`,
      base,
    );
  }
  if (items.length === 0) {
    return createResponse(req, ResponseCode.MESSAGE_ILLEGAL, 'the batch holds no messages', base);
  }
  const batchProps = decodeProperties(h.properties);
  const refused = refuseBatch(items, batchProps);
  if (refused) return createResponse(req, ResponseCode.MESSAGE_ILLEGAL, refused, base);
  // SendMessageProcessor#sendBatchMessage: a BatchCQ topic keeps a batch whole when the producer
  // gave the batch its own UNIQ_KEY (a RocketMQ 5 client); older producers' batches are split.
  if (isBatchCq(tc.attributes) && batchProps[MessageConst.UNIQ_KEY] !== undefined) {
    const inner = innerBatchToStore(ctx, conn, h, tc, queueId, body, batchProps, items.length);
    return putAndAnswer(ctx, req, queueId, h.topic, [inner], items.length, base);
  }
  // Batch-level properties apply to every message, but each message's own keys win
  // (the fix of apache/rocketmq#9416: a batch UNIQ_KEY must not override the inner ones).
  const msgs: MessageToStore[] = items.map((it) => {
    // Filled in place (the decoded object is ours): a spread per message showed in profiles.
    const props = it.properties;
    for (const k in batchProps) if (props[k] === undefined) props[k] = batchProps[k]!;
    return toStore(ctx, conn, h, tc, queueId, {
      flag: it.flag,
      body: it.body,
      properties: completeProperties(ctx, props),
    });
  });
  return putAndAnswer(ctx, req, queueId, h.topic, msgs, msgs.length, base);
}

/**
 * The batch as one record (inner batch): the body as the producer encoded it, the batch's own
 * properties plus INNER_NUM, sysFlag INNER_BATCH | NEED_UNWRAP. Consumers that know the flag split
 * it (MessageDecoder#decodeMessage); the store gives it INNER_NUM queue offsets and one unit.
 */
function innerBatchToStore(
  ctx: BrokerContext,
  conn: Connection,
  h: BatchSendFields,
  tc: TopicConfig,
  queueId: number,
  body: Buffer,
  batchProps: Record<string, string>,
  count: number,
): MessageToStore {
  batchProps[MessageConst.INNER_NUM] = String(count);
  const m = toStore(ctx, conn, h, tc, queueId, {
    flag: h.flag ?? 0,
    body,
    properties: completeProperties(ctx, batchProps),
  });
  m.sysFlag |= MessageSysFlag.INNER_BATCH | MessageSysFlag.NEED_UNWRAP;
  return m;
}

async function putAndAnswer(
  ctx: BrokerContext,
  req: RemotingCommand,
  queueId: number,
  topic: string,
  msgs: MessageToStore[],
  count: number,
  base: Record<string, string>,
): Promise<RemotingCommand> {
  const putStarted = performance.now();
  const result = await ctx.store.putMessages(msgs);
  const outcome = putOutcome(ctx, result, putStarted, count, topic);
  if (!outcome.stored || !result.appendResult) {
    return createResponse(req, outcome.code, outcome.remark, base);
  }
  const a = result.appendResult;
  return createResponseWithFields(
    req,
    outcome.code,
    outcome.remark,
    encodeSendResponseHeader({
      msgId: a.msgIds.join(','),
      queueId,
      queueOffset: a.queueOffset,
      MSG_REGION: ctx.config.regionId,
      TRACE_ON: ctx.config.traceOn,
    }),
  );
}
