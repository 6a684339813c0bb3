// autoBatch between Producer#send and the accumulator (DefaultMQProducer#sendByAccumulator and
// #canBatch, RocketMQ 5.1.4). A send is batched when autoBatch is on and it is a plain send():
// no timeoutMs or signal (Java's send(msg, timeout) never batches), no queueId; its target is
// the topic, or the queue a messageQueue, selector or shardingKey fixes (chosen before it
// joins, so a key's messages stay in one queue in send order). It goes the normal way instead
// when it asks for a delay level or a timer property, is a %RETRY% topic, carries a producer
// group or TRAN_MSG (transactional), has a body over batchMaxBytes (it would be a batch alone,
// and is compressed on the normal path), or does not fit under totalBatchMaxBytes. sendOneway
// is never batched, as in Java. Batches are sent like sendBatch: SEND_BATCH_MESSAGE with
// WAIT=true, retried by sendWithRetry, or one attempt on a fixed queue.
import {
  PRODUCER_BATCH_MAX_BYTES_MAX,
  PRODUCER_BATCH_MAX_DELAY_MS_MAX,
  PRODUCER_DEFAULT_BATCH_MAX_BYTES,
  PRODUCER_DEFAULT_BATCH_MAX_DELAY_MS,
  PRODUCER_DEFAULT_TOTAL_BATCH_MAX_BYTES,
} from '../../common/limits.js';
import { encodeBatchItem } from '../../message/batch-codec.js';
import { MessageConst, RETRY_GROUP_TOPIC_PREFIX } from '../../message/message.js';
import { createUniqKey } from '../../message/message-id.js';
import { encodeProperties } from '../../message/properties-codec.js';
import { RequestCode } from '../../protocol/request-code.js';
import { MQClientError } from '../errors.js';
import type { Message, SendOptions, SendResult } from '../producer-types.js';
import { selectByHash } from '../producer-types.js';
import type { MessageQueue } from './allocate.js';
import { ProduceAccumulator } from './auto-batch.js';
import { unwrapNamespace, wrapNamespace } from './namespace.js';
import type { SendPath, SendSpec } from './send-path.js';
import { sendPropertiesString } from './send-properties.js';
import { type RetryPolicy, sendWithRetry } from './send-retry.js';
import { checkMessage } from './validators.js';

export interface AutoBatchOptions {
  autoBatch: boolean;
  batchMaxDelayMs: number;
  batchMaxBytes: number;
  totalBatchMaxBytes: number;
}

export const AUTO_BATCH_DEFAULTS: Readonly<AutoBatchOptions> = Object.freeze({
  autoBatch: false,
  batchMaxDelayMs: PRODUCER_DEFAULT_BATCH_MAX_DELAY_MS,
  batchMaxBytes: PRODUCER_DEFAULT_BATCH_MAX_BYTES,
  totalBatchMaxBytes: PRODUCER_DEFAULT_TOTAL_BATCH_MAX_BYTES,
});

/** What of the producer's settings a batched send reads. */
export interface AutoBatchSettings extends AutoBatchOptions, RetryPolicy {
  maxMessageSize: number;
  sendMsgTimeout: number;
  namespace: string;
}

/** The properties length of a batch item is an int16. */
const MAX_ITEM_PROPERTIES_BYTES = 0x7fff;
const TIMER_PROPERTIES = ['TIMER_DELIVER_MS', 'TIMER_DELAY_SEC', 'TIMER_DELAY_MS'] as const;
const noop = (): void => {};

/** The same ranges as DefaultMQProducer's setters, checked whether autoBatch is on or not. */
export function validateAutoBatchOptions(o: AutoBatchOptions): void {
  const int = (name: keyof AutoBatchOptions, v: unknown, min: number, max: number) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new MQClientError(
        `${name} must be an integer in [${min}, ${max}], not ${String(v)}; ` +
          `leave it unset for the default ${AUTO_BATCH_DEFAULTS[name]}`,
      );
    }
  };
  if (typeof o.autoBatch !== 'boolean') {
    throw new MQClientError(`autoBatch must be true or false, not ${String(o.autoBatch)}`);
  }
  int('batchMaxDelayMs', o.batchMaxDelayMs, 1, PRODUCER_BATCH_MAX_DELAY_MS_MAX);
  int('batchMaxBytes', o.batchMaxBytes, 1, PRODUCER_BATCH_MAX_BYTES_MAX);
  int('totalBatchMaxBytes', o.totalBatchMaxBytes, 1, Number.MAX_SAFE_INTEGER);
}

/** The producer's autoBatch, or undefined when it is off; the options are validated either way. */
export function createAutoBatch(o: AutoBatchSettings, path: SendPath): AutoBatch | undefined {
  validateAutoBatchOptions(o);
  return o.autoBatch ? new AutoBatch(o, path) : undefined;
}

function bodyOf(msg: Message): Buffer {
  return typeof msg.body === 'string' ? Buffer.from(msg.body, 'utf8') : msg.body;
}

/** DefaultMQProducer#canBatch, less the accumulator's room (checked once the size is known). */
export function canBatch(msg: Message, opts: SendOptions): boolean {
  if (opts.timeoutMs !== undefined || opts.signal !== undefined || opts.queueId !== undefined) {
    return false;
  }
  if (msg.delayTimeLevel || msg.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) return false;
  const p = msg.properties;
  if (p === undefined) return true;
  if (p[MessageConst.PGROUP] !== undefined || p[MessageConst.TRAN_MSG] !== undefined) return false;
  if (Number(p[MessageConst.DELAY] ?? 0) > 0) return false;
  return !TIMER_PROPERTIES.some((k) => p[k] !== undefined);
}

export class AutoBatch {
  readonly accumulator: ProduceAccumulator;
  private readonly o: AutoBatchSettings;
  private readonly path: SendPath;
  /** Sends waiting for their selector's queue, so that close() waits for them to join. */
  private readonly selecting = new Set<Promise<unknown>>();

  constructor(o: AutoBatchSettings, path: SendPath) {
    this.o = o;
    this.path = path;
    this.accumulator = new ProduceAccumulator(o, (topic, mq, body, msgIds) =>
      this.sendBatch(topic, mq, body, msgIds),
    );
  }

  /** The send through a batch, or undefined when this message goes the normal way. */
  offer(original: Message, opts: SendOptions): Promise<SendResult> | undefined {
    if (!canBatch(original, opts)) return undefined;
    const body = bodyOf(original);
    if (body.length > this.o.batchMaxBytes) return undefined;
    const topic = wrapNamespace(this.o.namespace, original.topic);
    checkMessage(topic, body.length, this.o.maxMessageSize); // throws: this send rejects
    const uniqKey = createUniqKey();
    const properties = sendPropertiesString(original, uniqKey);
    if (Buffer.byteLength(properties) > MAX_ITEM_PROPERTIES_BYTES) return undefined;
    const item = encodeBatchItem(0, body, properties);
    if (item.length > this.o.maxMessageSize) return undefined;
    if (!this.accumulator.tryReserve(body.length)) return undefined;
    const entry = { item, bodyBytes: body.length, uniqKey };
    const acc = this.accumulator;
    let r: Promise<SendResult>;
    const selector = opts.selector ?? (opts.shardingKey !== undefined ? selectByHash : undefined);
    if (opts.messageQueue) {
      let mq: MessageQueue;
      try {
        mq = this.path.exactQueue(topic, opts.messageQueue);
      } catch (err) {
        acc.release(body.length);
        throw err;
      }
      r = acc.add(topic, mq, original.tags, entry);
    } else if (selector) {
      const arg = opts.selector ? opts.selectorArg : opts.shardingKey;
      const selected = this.path.selectQueue(original, selector, arg);
      r = selected.then(
        (mq) => acc.add(topic, mq, original.tags, entry),
        (err: unknown) => {
          acc.release(body.length);
          throw err;
        },
      );
      // After r's reaction, so the send has joined its batch when close() goes on.
      const joined = selected.then(noop, noop);
      this.selecting.add(joined);
      void joined.then(() => this.selecting.delete(joined));
    } else {
      r = acc.add(topic, undefined, original.tags, entry);
    }
    return this.o.namespace ? r.then((x) => this.outOfNamespace(x)) : r;
  }

  /** Sends what is being gathered and waits for every batch's answer (shutdown). */
  async close(): Promise<void> {
    await Promise.all([...this.selecting]);
    await this.accumulator.close();
  }

  private sendBatch(
    topic: string,
    mq: MessageQueue | undefined,
    body: Buffer,
    msgIds: string,
  ): Promise<SendResult> {
    const spec: SendSpec = {
      code: RequestCode.SEND_BATCH_MESSAGE,
      // The batch's own UNIQ_KEY, as sendBatch gives it: a BatchCQ topic stores the batch whole.
      propertiesHead: encodeProperties({
        [MessageConst.WAIT]: 'true',
        [MessageConst.UNIQ_KEY]: createUniqKey(),
      }),
      uniqKey: '',
      propertiesTail: '',
      body,
      sysFlag: 0,
      batch: true,
      msgId: msgIds,
    };
    const timeoutMs = this.o.sendMsgTimeout;
    if (mq) return this.path.sendToQueue(mq, spec, timeoutMs, undefined);
    return sendWithRetry(this.path, this.o, topic, undefined, spec, timeoutMs, undefined);
  }

  private outOfNamespace(r: SendResult): SendResult {
    const topic = unwrapNamespace(this.o.namespace, r.messageQueue.topic);
    return { ...r, messageQueue: { ...r.messageQueue, topic } };
  }
}
