// SEND_MESSAGE (10), SEND_MESSAGE_V2 (310), SEND_BATCH_MESSAGE (320).
// Request header: V2 single-letter keys for 310/320, Java field names for 10 (spec part 1 §4.3),
// coded in protocol/headers/send.ts with the response header; batch vs single is decided by
// `batch`/`m`, not by the code. Body: the message body, or the batch encoding (§4.6). Response
// header: msgId (offset id; comma-joined for a batch), queueId, queueOffset, transactionId
// (UNIQ_KEY), MSG_REGION, TRACE_ON — all strings, on every outcome.
// Codes: 0, 10, 13, 14, 16, 17, 29, 2, 1 (§4.4 order of checks); 26 for a %RETRY% topic whose
// group does not exist. 2 first of all when sendThreadPoolQueueCapacity sends already wait for
// the store (send-queue.ts): refused before any check, so nothing of the send is stored.
// Topic and queue checks: send-topic-check.ts; the batch path: send-batch.ts. A single message
// then runs the broker's put hooks (put-hooks.ts: a DELAY level diverts it to
// SCHEDULE_TOPIC_XXXX, a timer property to rmq_sys_wheel_timer, TRAN_MSG=true to
// RMQ_SYS_TRANS_HALF_TOPIC, or NO_PERMISSION under rejectTransactionMessage); a %RETRY% send
// past the group's reconsume limit goes to %DLQ%<group> (part 2 §5.3).

import { RequestValidationError } from '../../common/errors.js';
import { SEND_BUSY_LOG_INTERVAL_MS } from '../../common/limits.js';
import { MessageConst, type MessageToStore } from '../../message/message.js';
import {
  decodeSendHeader,
  type DecodedSendHeader as SendMessageRequestHeader,
} from '../../protocol/headers/send.js';
import {
  createResponse,
  createResponseWithFields,
  type RemotingCommand,
} from '../../protocol/remoting-command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Connection } from '../../remoting/connection.js';
import type { PutMessageResult } from '../../store/message-store.js';
import type { BrokerContext } from '../broker-context.js';
import type { TopicConfig } from '../managers/topic-config-manager.js';
import { brokerPutHooks, type PutHook, runPutHooks } from '../put-hooks.js';
import { RETRY_GROUP_TOPIC_PREFIX } from '../topic-validator.js';
import { deadLetterTopic, maxReconsumeTimes, requireGroup } from './retry-dlq.js';
import { sendBatch } from './send-batch.js';
import { completeSendProperties, putOutcome, toStore } from './send-common.js';
import { checkSendTopic, pickSendQueue } from './send-topic-check.js';

export class SendMessageProcessor {
  private readonly ctx: BrokerContext;
  private readonly hooks: readonly PutHook[];
  private busyLoggedAt = Number.NEGATIVE_INFINITY;

  /** `hooks`: the broker's put hooks, built once (BrokerController); by default from ctx. */
  constructor(ctx: BrokerContext, hooks?: readonly PutHook[]) {
    this.ctx = ctx;
    this.hooks = hooks ?? brokerPutHooks(ctx);
  }

  /**
   * Checks run synchronously; only the wait for the store (and for the route of a topic the
   * send created) is async, in one async function per send: the frames, closures and promises
   * a send cost showed in profiles of pipelined sends.
   */
  readonly process = (
    req: RemotingCommand,
    conn: Connection,
  ): RemotingCommand | Promise<RemotingCommand> => {
    const q = this.ctx.sendQueue;
    const ticket = q.admit();
    if (ticket < 0) return this.busy(req);
    let mark = 0;
    let started: RemotingCommand | Started;
    try {
      const h = decodeSendHeader(req.code, req.extFields);
      mark = this.ctx.routes.changeMark();
      const tc = checkSendTopic(this.ctx, h);
      const queueId = pickSendQueue(h, tc);
      const body = req.body ?? EMPTY_BODY;
      if (h.batch) {
        const batch = sendBatch(this.ctx, req, conn, h, tc, queueId, body, this.base());
        return this.answer(req, batch, undefined, mark, ticket);
      }
      started = this.startOne(req, conn, h, tc, queueId, body);
    } catch (err) {
      q.release(ticket);
      if (err instanceof RequestValidationError) {
        return createResponse(req, err.responseCode, err.remark, this.base());
      }
      throw err;
    }
    if (!(started instanceof Started)) {
      // Refused by a put hook: nothing stored, nothing created beyond what the checks did.
      return this.answer(req, started, undefined, mark, ticket);
    }
    return this.answer(req, started.put, started, mark, ticket);
  };

  /** The fields every answer carries, refusals included (built only when one is made). */
  private base(): Record<string, string> {
    return { MSG_REGION: this.ctx.config.regionId, TRACE_ON: String(this.ctx.config.traceOn) };
  }

  /**
   * Waits for the put (or the batch's answer), builds the answer of a single send, waits for the
   * route of a topic the send created (as msgCheck publishes it before answering), frees the
   * send's place in the queue.
   */
  private async answer(
    req: RemotingCommand,
    pending: Promise<PutMessageResult | RemotingCommand> | RemotingCommand,
    one: Started | undefined,
    mark: number,
    ticket: number,
  ): Promise<RemotingCommand> {
    try {
      const got = await pending;
      const res =
        one === undefined ? (got as RemotingCommand) : this.sent(one, got as PutMessageResult);
      // A topic auto-created here (or a %DLQ%) is routed before the answer, as msgCheck does.
      const published = this.ctx.routes.publishSince(mark);
      if (published) await published;
      return res;
    } catch (err) {
      if (err instanceof RequestValidationError) {
        return createResponse(req, err.responseCode, err.remark, this.base());
      }
      throw err;
    } finally {
      this.ctx.sendQueue.release(ticket);
    }
  }

  private busy(req: RemotingCommand): RemotingCommand {
    const q = this.ctx.sendQueue;
    // Logged once per SEND_BUSY_LOG_INTERVAL_MS, as RocketMQ logs its [OVERLOAD] rejections.
    const now = Date.now();
    if (now - this.busyLoggedAt >= SEND_BUSY_LOG_INTERVAL_MS) {
      this.busyLoggedAt = now;
      this.ctx.log.warn(
        { waiting: q.size, capacity: q.capacity, headWaitMs: q.headWaitMs(), rejected: q.rejected },
        'send refused with SYSTEM_BUSY: too many sends waiting for the store',
      );
    }
    return createResponse(req, ResponseCode.SYSTEM_BUSY, q.busyRemark(), this.base());
  }

  /** A single message up to its put: the stored message built, hooks run, the put started. */
  private startOne(
    req: RemotingCommand,
    conn: Connection,
    h: SendMessageRequestHeader,
    tc: TopicConfig,
    queueId: number,
    body: Buffer,
  ): Started | RemotingCommand {
    const { props: properties, encoded } = completeSendProperties(this.ctx, h.properties);
    const m = this.handleRetryAndDLQ(
      req,
      h,
      toStore(this.ctx, conn, h, tc, queueId, {
        flag: h.flag,
        body,
        properties,
        encodedProperties: encoded,
      }),
    );
    const rewritten = runPutHooks(this.hooks, m);
    if (rewritten !== undefined && 'error' in rewritten) {
      const code = rewritten.code ?? ResponseCode.MESSAGE_ILLEGAL;
      return createResponse(req, code, rewritten.error, this.base());
    }
    const putStarted = performance.now();
    const put = this.ctx.store.putMessage(rewritten === undefined ? m : rewritten.message);
    return new Started(req, put, putStarted, queueId, m.topic, properties);
  }

  /** The answer of a single send once its put is done. */
  private sent(one: Started, result: PutMessageResult): RemotingCommand {
    const { req } = one;
    const outcome = putOutcome(this.ctx, result, one.putStarted, 1, one.topic);
    if (!outcome.stored || !result.appendResult) {
      return createResponse(req, outcome.code, outcome.remark, this.base());
    }
    const a = result.appendResult;
    // queueId is the one asked for; queueOffset is where the message sits now (for a delayed
    // message, in the schedule queue; for a half message, in the half queue: END_TRANSACTION's
    // tranStateTableOffset), as RocketMQ answers.
    return createResponseWithFields(req, outcome.code, outcome.remark, {
      msgId: a.msgId,
      queueId: String(one.queueId),
      queueOffset: String(a.queueOffset),
      transactionId: one.properties[MessageConst.UNIQ_KEY]!, // completeProperties sets it
      MSG_REGION: this.ctx.config.regionId,
      TRACE_ON: String(this.ctx.config.traceOn),
    });
  }

  /**
   * SendMessageProcessor#handleRetryAndDLQ: a send to %RETRY%<group> (a client's fallback when
   * CONSUMER_SEND_MSG_BACK failed) whose reconsumeTimes is past the limit is dead-lettered, and
   * so is any from a group holding queue locks (an orderly consumer retries locally instead).
   */
  private handleRetryAndDLQ(
    req: RemotingCommand,
    h: SendMessageRequestHeader,
    m: MessageToStore,
  ): MessageToStore {
    if (!h.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) return m;
    const groupName = h.topic.slice(RETRY_GROUP_TOPIC_PREFIX.length);
    const group = requireGroup(this.ctx, groupName);
    // Strictly greater here, unlike send-back's >= (RocketMQ's two paths differ the same way).
    const limit = maxReconsumeTimes(group, h.maxReconsumeTimes, req.version);
    if (h.reconsumeTimes <= limit && this.ctx.locks.isLockAllExpired(groupName)) return m;
    const dlq = deadLetterTopic(this.ctx, groupName);
    return {
      ...m,
      topic: dlq.topicName,
      queueId: 0,
      properties: { ...m.properties, [MessageConst.DELAY]: '-1' },
    };
  }
}

const EMPTY_BODY = Buffer.alloc(0);

/** What the answer of a single send needs once its put is done (one object per send). */
class Started {
  readonly req: RemotingCommand;
  readonly put: Promise<PutMessageResult>;
  readonly putStarted: number;
  readonly queueId: number;
  readonly topic: string;
  readonly properties: Record<string, string>;

  constructor(
    req: RemotingCommand,
    put: Promise<PutMessageResult>,
    putStarted: number,
    queueId: number,
    topic: string,
    properties: Record<string, string>,
  ) {
    this.req = req;
    this.put = put;
    this.putStarted = putStarted;
    this.queueId = queueId;
    this.topic = topic;
    this.properties = properties;
  }
}
