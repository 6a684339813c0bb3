// A RocketMQ producer (DefaultMQProducer): send resolves with the SendResult once the broker has
// stored the message. Sends use SEND_MESSAGE_V2 (single-letter header keys, every value a string);
// batches use SEND_BATCH_MESSAGE. Retriable failures move on to the next queue.
//
// Which broker answers are retried (send and sendBatch without a fixed queue), as Java 5.3+
// DefaultMQProducer#retryResponseCodes: TOPIC_NOT_EXIST (17, after a route refresh),
// SERVICE_NOT_AVAILABLE (14), SYSTEM_ERROR (1), SYSTEM_BUSY (2), NO_PERMISSION (16),
// NO_BUYER_ID (204), NOT_IN_CURRENT_UNIT (205); Java also lists GO_AWAY, which KiteMQ never
// sends. Up to retryTimesWhenSendFailed more attempts within sendMsgTimeout, each on a queue away
// from the broker that refused (which the fault strategy also isolates for a while). SYSTEM_BUSY
// means the broker refused the send before storing it (its send backlog is full, e.g. a disk
// slower than the send rate), so another broker is the right place and no duplicate is made;
// Java 4.9.x and 5.0-5.2 did not retry it and threw MQBrokerException(2) at once. Once the
// attempts are spent the send rejects with an MQClientError whose responseCode is the last
// broker's code (2 when every broker was busy). Any other code rejects at once.
// FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT and SLAVE_NOT_AVAILABLE are results, not errors: the
// message is stored; it is sent again elsewhere only with retryAnotherBrokerWhenNotStoreOK.

import { deflateSync } from 'node:zlib';
import { DEFAULT_MAX_MESSAGE_SIZE_BYTES } from '../common/limits.js';
import { createLogger, type Logger } from '../common/logger.js';
import { encodeBatch } from '../message/batch-codec.js';
import { MessageConst, MessageSysFlag } from '../message/message.js';
import { createUniqKey } from '../message/message-id.js';
import { encodeProperties } from '../message/properties-codec.js';
import { TBW102 } from '../message/system-topics.js';
import { javaStringHashCode } from '../message/tag-hash.js';
import {
  createRequest,
  createRequestWithFields,
  type ExtFields,
  type RemotingCommand,
} from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import { MQBrokerError, MQClientError } from './errors.js';
import { abortable } from './impl/abort.js';
import type { MessageQueue } from './impl/allocate.js';
import { ClientInstance } from './impl/client-instance.js';
import { FaultStrategy } from './impl/fault-strategy.js';
import { unwrapNamespace, wrapNamespace } from './impl/namespace.js';
import { checkMessage } from './impl/validators.js';

export interface Message {
  topic: string;
  body: Buffer | string;
  tags?: string;
  keys?: string | string[];
  properties?: Record<string, string>;
  delayTimeLevel?: number;
}

/** Picks the queue of a message (MessageQueueSelector); `arg` is what send() was given. */
export type MessageQueueSelector = (
  queues: MessageQueue[],
  msg: Message,
  arg: unknown,
) => MessageQueue;

export interface SendOptions {
  /** Ordered messages: the same key always goes to the same queue (SelectMessageQueueByHash). */
  shardingKey?: string;
  /** Or any selector with its argument. */
  selector?: MessageQueueSelector;
  selectorArg?: unknown;
  /** Exactly this queue (Java's send(msg, mq)): one attempt, no failover. */
  messageQueue?: MessageQueue;
  /** This queue id on whichever broker the send picks (tools and benchmarks). */
  queueId?: number;
  /** This call's budget for every attempt together (default sendMsgTimeout). */
  timeoutMs?: number;
  /** Aborting rejects the send at once and stops its retries; the broker may still store it. */
  signal?: AbortSignal;
}

/** SelectMessageQueueByHash: |hashCode(key)| mod the number of queues. */
export const selectByHash: MessageQueueSelector = (queues, _msg, arg) => {
  const h = javaStringHashCode(String(arg));
  return queues[Math.abs(h % queues.length)]!;
};

export type SendStatus =
  | 'SEND_OK'
  | 'FLUSH_DISK_TIMEOUT'
  | 'FLUSH_SLAVE_TIMEOUT'
  | 'SLAVE_NOT_AVAILABLE';

export interface SendResult {
  sendStatus: SendStatus;
  /** The message's UNIQ_KEY (comma-joined for a batch), as Java's SendResult#getMsgId. */
  msgId: string;
  /** The broker's offset message id (storeHost + commit-log offset). */
  offsetMsgId: string;
  messageQueue: MessageQueue;
  queueOffset: number;
}

export interface ProducerOptions {
  namesrvAddr: string;
  producerGroup: string;
  sendMsgTimeout?: number;
  retryTimesWhenSendFailed?: number;
  /** Retry on another broker when stored but not durable yet (FLUSH_DISK_TIMEOUT, …). */
  retryAnotherBrokerWhenNotStoreOK?: boolean;
  maxMessageSize?: number;
  /** Bodies of this size and larger are zlib-compressed (sysFlag COMPRESSED), Java's 4 KiB. */
  compressMsgBodyOverHowmuch?: number;
  /** zlib level for compressed bodies (Java's rocketmq.message.compressLevel, 5). */
  compressLevel?: number;
  /**
   * Latency fault tolerance (MQFaultStrategy): a broker that failed or answered slowly is avoided
   * for a while. On by default here (Java's sendLatencyFaultEnable is off by default).
   */
  sendLatencyFaultEnable?: boolean;
  /** Tenant prefix: topics and the group become "<namespace>%<name>" on the wire. */
  namespace?: string;
  logger?: Logger;
}

const STATUS: Record<number, SendStatus> = {
  [ResponseCode.SUCCESS]: 'SEND_OK',
  [ResponseCode.FLUSH_DISK_TIMEOUT]: 'FLUSH_DISK_TIMEOUT',
  [ResponseCode.FLUSH_SLAVE_TIMEOUT]: 'FLUSH_SLAVE_TIMEOUT',
  [ResponseCode.SLAVE_NOT_AVAILABLE]: 'SLAVE_NOT_AVAILABLE',
};
/** NO_BUYER_ID / NOT_IN_CURRENT_UNIT: Java retries them; no KiteMQ broker sends them. */
const NO_BUYER_ID = 204;
const NOT_IN_CURRENT_UNIT = 205;
/** Codes worth another attempt on another queue (DefaultMQProducer#retryResponseCodes, 5.3). */
const RETRIABLE: ReadonlySet<number> = new Set([
  ResponseCode.TOPIC_NOT_EXIST,
  ResponseCode.SERVICE_NOT_AVAILABLE,
  ResponseCode.SYSTEM_ERROR,
  ResponseCode.SYSTEM_BUSY,
  ResponseCode.NO_PERMISSION,
  NO_BUYER_ID,
  NOT_IN_CURRENT_UNIT,
]);
/** sysFlag bits 8-10 name the compression (MessageSysFlag.COMPRESSION_ZLIB_TYPE, RocketMQ 5). */
const COMPRESSION_ZLIB_TYPE = 0x3 << 8;

type Attempt = Omit<SendResult, 'msgId'>;

export class Producer {
  private readonly opts: Required<Omit<ProducerOptions, 'logger'>>;
  private readonly client: ClientInstance;
  private readonly fault: FaultStrategy;
  private started = false;

  constructor(options: ProducerOptions) {
    this.opts = {
      sendMsgTimeout: 3_000,
      retryTimesWhenSendFailed: 2,
      retryAnotherBrokerWhenNotStoreOK: false,
      maxMessageSize: DEFAULT_MAX_MESSAGE_SIZE_BYTES,
      compressMsgBodyOverHowmuch: 4 * 1024,
      compressLevel: 5,
      sendLatencyFaultEnable: true,
      namespace: '',
      ...options,
    };
    this.opts.producerGroup = wrapNamespace(this.opts.namespace, this.opts.producerGroup);
    this.fault = new FaultStrategy(this.opts.sendLatencyFaultEnable);
    const log =
      options.logger ?? createLogger('kitemq-producer', process.env.KITEMQ_LOG_LEVEL ?? 'warn');
    this.client = new ClientInstance(options.namesrvAddr, log);
    this.client.register({
      producerGroups: () => [this.opts.producerGroup],
      consumerData: () => [],
    });
  }

  async start(): Promise<void> {
    this.client.start();
    this.started = true;
  }

  async shutdown(): Promise<void> {
    this.started = false;
    await Promise.all(
      this.client.allBrokerAddrs().map((addr) =>
        this.client.remoting
          .invoke(
            addr,
            createRequest(RequestCode.UNREGISTER_CLIENT, 0, {
              clientID: this.client.clientId,
              producerGroup: this.opts.producerGroup,
            }),
          )
          .catch(() => {}),
      ),
    );
    this.client.shutdown();
  }

  /**
   * Sends and resolves once the broker stored the message. With a shardingKey, a selector or a
   * messageQueue the queue is chosen once and a failure is not retried elsewhere, which would
   * break the order.
   */
  async send(original: Message, opts: SendOptions = {}): Promise<SendResult> {
    this.assertStarted();
    const msg = this.inNamespace(original);
    const properties = this.properties(msg);
    const { body, sysFlag } = this.bodyOf(msg);
    const props = encodeProperties(properties);
    const build = (mq: MessageQueue) =>
      createRequestWithFields(
        RequestCode.SEND_MESSAGE_V2,
        this.header(mq, props, false, sysFlag),
        body,
      );
    const budget = { timeoutMs: opts.timeoutMs ?? this.opts.sendMsgTimeout, signal: opts.signal };
    const selector = opts.selector ?? (opts.shardingKey !== undefined ? selectByHash : undefined);
    let sent: Promise<Attempt>;
    if (opts.messageQueue) {
      sent = this.sendToQueue(this.exactQueue(msg, opts.messageQueue), build, budget);
    } else if (selector) {
      const arg = opts.selector ? opts.selectorArg : opts.shardingKey;
      sent = this.selectQueue(original, selector, arg).then((mq) =>
        this.sendToQueue(mq, build, budget),
      );
    } else {
      sent = this.sendWithRetry(msg.topic, opts.queueId, build, budget);
    }
    const r = await sent;
    return this.outOfNamespace({ ...r, msgId: properties[MessageConst.UNIQ_KEY]! });
  }

  /** Fire and forget (Java's sendOneway): no answer, no retry. */
  async sendOneway(original: Message): Promise<void> {
    this.assertStarted();
    const msg = this.inNamespace(original);
    const properties = encodeProperties(this.properties(msg));
    const { body, sysFlag } = this.bodyOf(msg);
    const mq = this.fault.select(msg.topic, await this.writableQueues(msg.topic))!;
    const req = createRequest(
      RequestCode.SEND_MESSAGE_V2,
      0,
      this.header(mq, properties, false, sysFlag),
      body,
    );
    await this.client.remoting.invokeOneway(this.client.masterAddr(mq.brokerName)!, req);
  }

  /** One request for many messages of one topic (Java's MessageBatch rules; never compressed). */
  async sendBatch(
    originals: Message[],
    opts: Pick<SendOptions, 'timeoutMs' | 'signal'> = {},
  ): Promise<SendResult> {
    this.assertStarted();
    const msgs = originals.map((m) => this.inNamespace(m));
    if (msgs.length === 0) throw new MQClientError('sendBatch needs at least one message');
    const topic = msgs[0]!.topic;
    if (msgs.some((m) => m.topic !== topic))
      throw new MQClientError('all messages of a batch must have the same topic');
    if (msgs.some((m) => m.delayTimeLevel))
      throw new MQClientError('batch messages cannot have a delay level');
    const items = msgs.map((m) => ({
      flag: 0,
      body: typeof m.body === 'string' ? Buffer.from(m.body, 'utf8') : m.body,
      properties: this.properties(m),
    }));
    const body = encodeBatch(items);
    if (body.length > this.opts.maxMessageSize) {
      throw new MQClientError(
        `the batch takes ${body.length} bytes, over maxMessageSize ${this.opts.maxMessageSize}; send it in smaller batches`,
      );
    }
    const ids = items.map((i) => i.properties[MessageConst.UNIQ_KEY]!).join(',');
    const props = encodeProperties({ WAIT: 'true' });
    const r = await this.sendWithRetry(
      topic,
      undefined,
      (mq) => createRequest(RequestCode.SEND_BATCH_MESSAGE, 0, this.header(mq, props, true), body),
      { timeoutMs: opts.timeoutMs ?? this.opts.sendMsgTimeout, signal: opts.signal },
    );
    return this.outOfNamespace({ ...r, msgId: ids });
  }

  /** The selector sees the plain topic and queues, as Java's sendSelectImpl shows them. */
  private async selectQueue(
    msg: Message,
    selector: MessageQueueSelector,
    arg: unknown,
  ): Promise<MessageQueue> {
    const wire = wrapNamespace(this.opts.namespace, msg.topic);
    const queues = await this.writableQueues(wire);
    const plain = queues.map((q) => ({ ...q, topic: msg.topic }));
    const mq = selector(plain, msg, arg);
    if (!queues.some((q) => q.brokerName === mq?.brokerName && q.queueId === mq.queueId)) {
      throw new MQClientError('the selector returned a queue that is not in the topic route');
    }
    return { ...mq, topic: wire };
  }

  private exactQueue(msg: Message, mq: MessageQueue): MessageQueue {
    const topic = wrapNamespace(this.opts.namespace, mq.topic);
    if (topic !== msg.topic) {
      throw new MQClientError(`the message's topic ${msg.topic} is not the queue's ${mq.topic}`);
    }
    return { ...mq, topic };
  }

  private async writableQueues(topic: string): Promise<readonly MessageQueue[]> {
    const queues = await this.client.publishQueues(topic);
    if (queues.length === 0) {
      throw new MQClientError(`no writable queue for topic ${topic}; check its perm and brokers`);
    }
    return queues;
  }

  private properties(msg: Message): Record<string, string> {
    const bodyBytes = typeof msg.body === 'string' ? Buffer.byteLength(msg.body) : msg.body.length;
    checkMessage(msg.topic, bodyBytes, this.opts.maxMessageSize);
    const p: Record<string, string> = {
      ...msg.properties,
      [MessageConst.WAIT]: 'true',
      [MessageConst.UNIQ_KEY]: createUniqKey(),
    };
    if (msg.tags) p[MessageConst.TAGS] = msg.tags;
    if (msg.keys) p[MessageConst.KEYS] = Array.isArray(msg.keys) ? msg.keys.join(' ') : msg.keys;
    if (msg.delayTimeLevel) p[MessageConst.DELAY] = String(msg.delayTimeLevel);
    return p;
  }

  private inNamespace(msg: Message): Message {
    return this.opts.namespace
      ? { ...msg, topic: wrapNamespace(this.opts.namespace, msg.topic) }
      : msg;
  }

  private outOfNamespace(r: SendResult): SendResult {
    if (!this.opts.namespace) return r;
    const topic = unwrapNamespace(this.opts.namespace, r.messageQueue.topic);
    return { ...r, messageQueue: { ...r.messageQueue, topic } };
  }

  /** The body to send: zlib past compressMsgBodyOverHowmuch bytes (tryToCompressMessage). */
  private bodyOf(msg: Message): { body: Buffer; sysFlag: number } {
    const body = typeof msg.body === 'string' ? Buffer.from(msg.body, 'utf8') : msg.body;
    if (body.length < this.opts.compressMsgBodyOverHowmuch) return { body, sysFlag: 0 };
    return {
      body: deflateSync(body, { level: this.opts.compressLevel }),
      sysFlag: MessageSysFlag.COMPRESSED | COMPRESSION_ZLIB_TYPE,
    };
  }

  /** SendMessageRequestHeaderV2, as strings already (the wire form). */
  private header(mq: MessageQueue, properties: string, batch: boolean, sysFlag = 0): ExtFields {
    return {
      a: this.opts.producerGroup,
      b: mq.topic,
      c: TBW102,
      d: '4',
      e: String(mq.queueId),
      f: String(sysFlag),
      g: String(Date.now()),
      h: '0',
      i: properties,
      j: '0',
      k: 'false',
      m: batch ? 'true' : 'false',
    };
  }

  /** One attempt on one queue; its latency feeds the fault strategy. */
  private async attempt(
    mq: MessageQueue,
    req: RemotingCommand,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<Attempt> {
    const t0 = Date.now();
    let res: RemotingCommand;
    try {
      res = await abortable(this.client.invokeBroker(mq.brokerName, req, timeoutMs), signal);
    } catch (err) {
      // Not reachable in time (connect refused, timeout): leave this broker alone for a while.
      if (!signal?.aborted) this.fault.update(mq.brokerName, Date.now() - t0, true);
      throw err;
    }
    const status = STATUS[res.code];
    if (!status) {
      this.fault.update(mq.brokerName, Date.now() - t0, true, false);
      throw new MQBrokerError(res.code, res.remark, this.client.masterAddr(mq.brokerName) ?? '');
    }
    this.fault.update(mq.brokerName, Date.now() - t0, false);
    return {
      sendStatus: status,
      offsetMsgId: res.extFields.msgId ?? '',
      messageQueue: { ...mq, queueId: Number(res.extFields.queueId) },
      queueOffset: Number(res.extFields.queueOffset),
    };
  }

  private async sendToQueue(
    mq: MessageQueue,
    build: (mq: MessageQueue) => RemotingCommand,
    budget: { timeoutMs: number; signal: AbortSignal | undefined },
  ): Promise<Attempt> {
    await this.writableQueues(mq.topic); // the route, and so the broker's address
    return this.attempt(mq, build(mq), budget.timeoutMs, budget.signal);
  }

  /**
   * sendDefaultImpl: up to 1 + retryTimesWhenSendFailed attempts within the time budget, each on
   * a queue the fault strategy picks away from the previous attempt's broker.
   */
  private async sendWithRetry(
    topic: string,
    queueId: number | undefined,
    build: (mq: MessageQueue) => RemotingCommand,
    budget: { timeoutMs: number; signal: AbortSignal | undefined },
  ): Promise<Attempt> {
    const { signal } = budget;
    const begin = Date.now();
    let lastErr: unknown;
    let notStoreOK: Attempt | undefined;
    let lastBroker: string | undefined;
    const brokersSent: string[] = [];
    for (let attempt = 0; attempt <= this.opts.retryTimesWhenSendFailed; attempt++) {
      signal?.throwIfAborted();
      const left = budget.timeoutMs - (Date.now() - begin);
      if (left <= 0) break;
      const cached = this.client.cachedPublishQueues(topic); // no promise on the common path
      const queues = cached?.length ? cached : await this.writableQueues(topic);
      let mq = this.fault.select(topic, queues, lastBroker)!;
      if (queueId !== undefined) mq = { ...mq, queueId };
      lastBroker = mq.brokerName;
      brokersSent.push(mq.brokerName);
      try {
        const r = await this.attempt(mq, build(mq), left, signal);
        if (r.sendStatus === 'SEND_OK' || !this.opts.retryAnotherBrokerWhenNotStoreOK) return r;
        notStoreOK = r; // stored, not durable yet: try to get it durable elsewhere
      } catch (err) {
        if (signal?.aborted) throw err;
        lastErr = err;
        if (err instanceof MQBrokerError) {
          if (!RETRIABLE.has(err.responseCode)) {
            if (notStoreOK) return notStoreOK;
            throw err;
          }
          if (err.responseCode === ResponseCode.TOPIC_NOT_EXIST)
            await this.client.updateRoute(topic).catch(() => {});
        }
      }
    }
    if (notStoreOK) return notStoreOK;
    const why = lastErr instanceof Error ? lastErr.message : 'no time left for an attempt';
    throw new MQClientError(
      `send to ${topic} failed after ${brokersSent.length} attempt(s) in ` +
        `${Date.now() - begin} ms (brokers: ${brokersSent.join(', ') || 'none'}): ${why}`,
      {
        cause: lastErr,
        responseCode: lastErr instanceof MQBrokerError ? lastErr.responseCode : undefined,
      },
    );
  }

  private assertStarted(): void {
    if (!this.started) throw new MQClientError('the producer is not started; call start() first');
  }
}
