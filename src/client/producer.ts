// A RocketMQ producer (DefaultMQProducer): send resolves with the SendResult once the broker has
// stored the message. Sends use SEND_MESSAGE_V2 (single-letter header keys, every value a string);
// batches use SEND_BATCH_MESSAGE. Retriable failures move on to the next queue.

import { deflateSync } from 'node:zlib';
import { DEFAULT_MAX_MESSAGE_SIZE_BYTES } from '../common/limits.js';
import { createLogger, type Logger } from '../common/logger.js';
import { encodeBatch } from '../message/batch-codec.js';
import { MessageConst, MessageSysFlag } from '../message/message.js';
import { createUniqKey } from '../message/message-id.js';
import { encodeProperties } from '../message/properties-codec.js';
import { javaStringHashCode } from '../message/tag-hash.js';
import { createRequest, type RemotingCommand } from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import { MQBrokerError, MQClientError } from './errors.js';
import type { MessageQueue } from './impl/allocate.js';
import { ClientInstance } from './impl/client-instance.js';
import { unwrapNamespace, wrapNamespace } from './impl/namespace.js';

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
  /** A fixed queue of the route's first broker (tools and tests). */
  queueId?: number;
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
  /** Bodies larger than this are zlib-compressed (sysFlag COMPRESSED), as Java's default 4 KiB. */
  compressMsgBodyOverHowmuch?: number;
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
/** How long a broker that could not be reached is avoided (MQFaultStrategy's isolation). */
const BROKER_ISOLATION_MS = 30_000;
/** Codes worth another attempt on another queue (DefaultMQProducer#retryResponseCodes). */
const RETRIABLE = new Set([17, 14, 1, 16, 204, 205, 2]);

export class Producer {
  private readonly opts: Required<Omit<ProducerOptions, 'logger'>>;
  private readonly client: ClientInstance;
  private readonly rr = new Map<string, number>();
  /**
   * Latency fault tolerance (MQFaultStrategy): a broker that failed a send is skipped until this
   * time, unless every broker of the topic is.
   */
  private readonly unavailableUntil = new Map<string, number>();
  private started = false;

  constructor(options: ProducerOptions) {
    this.opts = {
      sendMsgTimeout: 3_000,
      retryTimesWhenSendFailed: 2,
      retryAnotherBrokerWhenNotStoreOK: false,
      maxMessageSize: DEFAULT_MAX_MESSAGE_SIZE_BYTES,
      compressMsgBodyOverHowmuch: 4 * 1024,
      namespace: '',
      ...options,
    };
    this.opts.producerGroup = wrapNamespace(this.opts.namespace, this.opts.producerGroup);
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
   * Sends and resolves once the broker stored the message. With a shardingKey or a selector the
   * queue is chosen once and a failure is not retried elsewhere, which would break the order.
   */
  async send(original: Message, opts: SendOptions = {}): Promise<SendResult> {
    const msg = this.inNamespace(original);
    const properties = this.properties(msg);
    const { body, sysFlag } = this.bodyOf(msg);
    const build = (mq: MessageQueue) =>
      createRequest(
        RequestCode.SEND_MESSAGE_V2,
        0,
        this.header(mq, encodeProperties(properties), false, sysFlag),
        body,
      );
    const selector = opts.selector ?? (opts.shardingKey !== undefined ? selectByHash : undefined);
    const sent = selector
      ? this.sendSelected(msg, selector, opts.selector ? opts.selectorArg : opts.shardingKey, build)
      : this.sendWithRetry(msg.topic, opts.queueId, build);
    return sent.then((r) =>
      this.outOfNamespace({ ...r, msgId: properties[MessageConst.UNIQ_KEY]! }),
    );
  }

  private async sendSelected(
    msg: Message,
    selector: MessageQueueSelector,
    arg: unknown,
    build: (mq: MessageQueue) => RemotingCommand,
  ): Promise<Omit<SendResult, 'msgId'>> {
    this.assertStarted();
    const queues = await this.client.publishQueues(msg.topic);
    if (queues.length === 0) {
      throw new MQClientError(
        `no writable queue for topic ${msg.topic}; check its perm and brokers`,
      );
    }
    const mq = selector(queues, msg, arg);
    if (!queues.some((q) => q.brokerName === mq?.brokerName && q.queueId === mq.queueId)) {
      throw new MQClientError('the selector returned a queue that is not in the topic route');
    }
    const res = await this.client.invokeBroker(mq.brokerName, build(mq), this.opts.sendMsgTimeout);
    const status = STATUS[res.code];
    if (!status) {
      throw new MQBrokerError(res.code, res.remark, this.client.masterAddr(mq.brokerName) ?? '');
    }
    return {
      sendStatus: status,
      offsetMsgId: res.extFields.msgId ?? '',
      messageQueue: { ...mq, queueId: Number(res.extFields.queueId) },
      queueOffset: Number(res.extFields.queueOffset),
    };
  }

  async sendOneway(original: Message): Promise<void> {
    this.assertStarted();
    const msg = this.inNamespace(original);
    const properties = encodeProperties(this.properties(msg));
    const { body, sysFlag } = this.bodyOf(msg);
    const mq = await this.pickQueue(msg.topic);
    const req = createRequest(
      RequestCode.SEND_MESSAGE_V2,
      0,
      this.header(mq, properties, false, sysFlag),
      body,
    );
    await this.client.remoting.invokeOneway(this.client.masterAddr(mq.brokerName)!, req);
  }

  /** One request for many messages of one topic (Java's MessageBatch rules). */
  async sendBatch(originals: Message[]): Promise<SendResult> {
    const msgs = originals.map((m) => this.inNamespace(m));
    if (msgs.length === 0)
      return Promise.reject(new MQClientError('sendBatch needs at least one message'));
    const topic = msgs[0]!.topic;
    if (msgs.some((m) => m.topic !== topic))
      return Promise.reject(new MQClientError('all messages of a batch must have the same topic'));
    if (msgs.some((m) => m.delayTimeLevel))
      return Promise.reject(new MQClientError('batch messages cannot have a delay level'));
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
    return this.sendWithRetry(topic, undefined, (mq) =>
      createRequest(
        RequestCode.SEND_BATCH_MESSAGE,
        0,
        this.header(mq, encodeProperties({ WAIT: 'true' }), true),
        body,
      ),
    ).then((r) => this.outOfNamespace({ ...r, msgId: ids }));
  }

  private properties(msg: Message): Record<string, string> {
    const body = typeof msg.body === 'string' ? Buffer.byteLength(msg.body) : msg.body.length;
    if (body > this.opts.maxMessageSize) {
      throw new MQClientError(
        `the message body size ${body} exceeds maxMessageSize ${this.opts.maxMessageSize}`,
      );
    }
    if (body === 0) throw new MQClientError('the message body is empty');
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

  /** The body to send: zlib-compressed past compressMsgBodyOverHowmuch (tryToCompressMessage). */
  private bodyOf(msg: Message): { body: Buffer; sysFlag: number } {
    const body = typeof msg.body === 'string' ? Buffer.from(msg.body, 'utf8') : msg.body;
    if (body.length <= this.opts.compressMsgBodyOverHowmuch) return { body, sysFlag: 0 };
    return { body: deflateSync(body, { level: 5 }), sysFlag: MessageSysFlag.COMPRESSED };
  }

  private header(mq: MessageQueue, properties: string, batch: boolean, sysFlag = 0) {
    return {
      a: this.opts.producerGroup,
      b: mq.topic,
      c: 'TBW102',
      d: 4,
      e: mq.queueId,
      f: sysFlag,
      g: Date.now(),
      h: 0,
      i: properties,
      j: 0,
      k: false,
      m: batch,
    };
  }

  private async pickQueue(topic: string, avoid?: string): Promise<MessageQueue> {
    const queues = await this.client.publishQueues(topic);
    if (queues.length === 0)
      throw new MQClientError(
        `no writable queue for topic ${topic}; check the topic's perm and brokers`,
      );
    const n = (this.rr.get(topic) ?? Math.floor(Math.random() * queues.length)) + 1;
    this.rr.set(topic, n);
    const now = Date.now();
    const healthy = (b: string) => (this.unavailableUntil.get(b) ?? 0) <= now;
    for (const ok of [(b: string) => b !== avoid && healthy(b), (b: string) => b !== avoid]) {
      for (let i = 0; i < queues.length; i++) {
        const q = queues[(n + i) % queues.length]!;
        if (ok(q.brokerName)) return q;
      }
    }
    return queues[n % queues.length]!;
  }

  private async sendWithRetry(
    topic: string,
    queueId: number | undefined,
    build: (mq: MessageQueue) => RemotingCommand,
  ): Promise<Omit<SendResult, 'msgId'>> {
    this.assertStarted();
    const deadline = Date.now() + this.opts.sendMsgTimeout;
    let lastErr: unknown;
    let avoid: string | undefined;
    for (let attempt = 0; attempt <= this.opts.retryTimesWhenSendFailed; attempt++) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      let mq = await this.pickQueue(topic, avoid);
      if (queueId !== undefined) mq = { ...mq, queueId };
      try {
        const res = await this.client.invokeBroker(mq.brokerName, build(mq), left);
        const status = STATUS[res.code];
        if (status) {
          const result = {
            sendStatus: status,
            offsetMsgId: res.extFields.msgId ?? '',
            messageQueue: { ...mq, queueId: Number(res.extFields.queueId) },
            queueOffset: Number(res.extFields.queueOffset),
          };
          const last = attempt === this.opts.retryTimesWhenSendFailed;
          if (status === 'SEND_OK' || !this.opts.retryAnotherBrokerWhenNotStoreOK || last) {
            return result;
          }
          avoid = mq.brokerName; // stored, not durable yet: try to get it durable elsewhere
          continue;
        }
        lastErr = new MQBrokerError(
          res.code,
          res.remark,
          this.client.masterAddr(mq.brokerName) ?? '',
        );
        if (!RETRIABLE.has(res.code)) throw lastErr;
        if (res.code === ResponseCode.TOPIC_NOT_EXIST)
          await this.client.updateRoute(topic).catch(() => {});
      } catch (err) {
        if (err instanceof MQBrokerError && !RETRIABLE.has(err.responseCode)) throw err;
        lastErr = err;
        // Not reachable (connect refused, timeout): leave this broker alone for a while.
        this.unavailableUntil.set(mq.brokerName, Date.now() + BROKER_ISOLATION_MS);
      }
      avoid = mq.brokerName;
    }
    throw (
      lastErr ??
      new MQClientError(`send to ${topic} timed out after ${this.opts.sendMsgTimeout} ms`)
    );
  }

  private assertStarted(): void {
    if (!this.started) throw new MQClientError('the producer is not started; call start() first');
  }
}
