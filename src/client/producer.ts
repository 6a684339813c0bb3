// A RocketMQ producer (DefaultMQProducer): send resolves with the SendResult once the broker has
// stored the message. Sends use SEND_MESSAGE_V2 (single-letter header keys, every value a string);
// batches use SEND_BATCH_MESSAGE. Retriable failures move on to the next queue.
//
// This file holds the options, the message's properties and the three send calls; the parts are
// impl/send-path.ts (header, queue choice, one attempt), impl/send-retry.ts (which failures are
// tried again where, with impl/fault-strategy.ts), impl/batch.ts and impl/compression.ts; the
// public types are in producer-types.ts. sendKernel is the seam a transaction producer sends its
// half messages through (its own properties and sysFlag, the same queue choice and retries).
import {
  CLIENT_HEARTBEAT_BROKER_INTERVAL_MS,
  CLIENT_POLL_NAME_SERVER_INTERVAL_MS,
  DEFAULT_MAX_MESSAGE_SIZE_BYTES,
  DEFAULT_REQUEST_TIMEOUT_MS,
  PRODUCER_DEFAULT_COMPRESS_LEVEL,
  PRODUCER_DEFAULT_COMPRESS_MSG_BODY_OVER_BYTES,
  PRODUCER_DEFAULT_RETRY_TIMES_WHEN_SEND_FAILED,
} from '../common/limits.js';
import { createLogger } from '../common/logger.js';
import { MessageConst } from '../message/message.js';
import { createUniqKey } from '../message/message-id.js';
import { encodeProperties } from '../message/properties-codec.js';
import { createRequestWithFields } from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { MQClientError } from './errors.js';
import { AUTO_BATCH_DEFAULTS, type AutoBatch, createAutoBatch } from './impl/auto-batch-send.js';
import { encodeMessageBatch } from './impl/batch.js';
import { ClientInstance } from './impl/client-instance.js';
import { defaultSerializeType } from './impl/client-transport.js';
import { compressBody } from './impl/compression.js';
import { FaultStrategy } from './impl/fault-strategy.js';
import { unwrapNamespace, wrapNamespace } from './impl/namespace.js';
import { type SendAttempt, SendPath, type SendSpec } from './impl/send-path.js';
import {
  SEND_PROPERTIES_HEAD,
  sendPropertiesString,
  sendPropertiesTail,
} from './impl/send-properties.js';
import { sendWithRetry } from './impl/send-retry.js';
import { checkMessage } from './impl/validators.js';
import {
  type Message,
  type ProducerOptions,
  type SendOptions,
  type SendResult,
  selectByHash,
} from './producer-types.js';

export {
  type Message,
  type MessageQueueSelector,
  type ProducerOptions,
  type SendOptions,
  type SendResult,
  type SendStatus,
  selectByHash,
} from './producer-types.js';

const NO_OPTIONS: SendOptions = Object.freeze({});
const SEND_V2 = RequestCode.SEND_MESSAGE_V2;

function bodyBytesOf(msg: Message): number {
  return typeof msg.body === 'string' ? Buffer.byteLength(msg.body) : msg.body.length;
}

export class Producer {
  protected readonly opts: Required<Omit<ProducerOptions, 'logger'>>;
  protected readonly client: ClientInstance;
  protected readonly path: SendPath;
  /** autoBatch's accumulator (impl/auto-batch-send.ts); undefined when autoBatch is off. */
  private readonly autoBatch: AutoBatch | undefined;
  private started = false;

  constructor(options: ProducerOptions) {
    this.opts = {
      sendMsgTimeout: DEFAULT_REQUEST_TIMEOUT_MS,
      retryTimesWhenSendFailed: PRODUCER_DEFAULT_RETRY_TIMES_WHEN_SEND_FAILED,
      retryAnotherBrokerWhenNotStoreOK: false,
      maxMessageSize: DEFAULT_MAX_MESSAGE_SIZE_BYTES,
      compressMsgBodyOverHowmuch: PRODUCER_DEFAULT_COMPRESS_MSG_BODY_OVER_BYTES,
      compressLevel: PRODUCER_DEFAULT_COMPRESS_LEVEL,
      sendLatencyFaultEnable: true,
      namespace: '',
      pollNameServerInterval: CLIENT_POLL_NAME_SERVER_INTERVAL_MS,
      heartbeatBrokerInterval: CLIENT_HEARTBEAT_BROKER_INTERVAL_MS,
      serializeType: defaultSerializeType(),
      ...AUTO_BATCH_DEFAULTS,
      ...options,
    };
    this.opts.producerGroup = wrapNamespace(this.opts.namespace, this.opts.producerGroup);
    const log =
      options.logger ?? createLogger('kitemq-producer', process.env.KITEMQ_LOG_LEVEL ?? 'warn');
    this.client = new ClientInstance(options.namesrvAddr, log, this.opts);
    this.path = new SendPath(
      this.client,
      new FaultStrategy(this.opts.sendLatencyFaultEnable),
      this.opts,
    );
    this.autoBatch = createAutoBatch(this.opts, this.path);
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
    await this.autoBatch?.close(); // what is being gathered goes now, and is answered
    await this.client.unregisterClient({ producerGroup: this.opts.producerGroup });
    this.client.shutdown();
  }

  /**
   * Sends and resolves once the broker stored the message. With a shardingKey, a selector or a
   * messageQueue the queue is chosen once and a failure is not retried elsewhere, which would
   * break the order. Not an async function: the send is one (sendWithRetry), and a frame here
   * would be a second promise per message; what throws here rejects all the same.
   */
  send(original: Message, opts: SendOptions = NO_OPTIONS): Promise<SendResult> {
    try {
      this.assertStarted();
      const batched = this.autoBatch?.offer(original, opts);
      if (batched) return batched;
      const msg = this.inNamespace(original);
      checkMessage(msg.topic, bodyBytesOf(msg), this.opts.maxMessageSize);
      const msgId = createUniqKey();
      // Without properties of its own the message's are head + msgId + tail, never joined.
      const tail = sendPropertiesTail(msg);
      const head = tail === undefined ? sendPropertiesString(msg, msgId) : SEND_PROPERTIES_HEAD;
      const uniqKey = tail === undefined ? '' : msgId;
      const propertiesTail = tail ?? '';
      let body = typeof msg.body === 'string' ? Buffer.from(msg.body, 'utf8') : msg.body;
      const o = this.opts;
      let sysFlag = 0;
      if (body.length >= o.compressMsgBodyOverHowmuch) {
        const c = compressBody(body, o.compressMsgBodyOverHowmuch, o.compressLevel);
        body = c.body;
        sysFlag = c.sysFlag;
      }
      const spec: SendSpec = {
        code: SEND_V2,
        propertiesHead: head,
        uniqKey,
        propertiesTail,
        body,
        sysFlag,
        batch: false,
        msgId,
      };
      const r = this.sendSpec(original, msg.topic, spec, opts);
      return o.namespace ? r.then((x) => this.outOfNamespace(x)) : r;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Fire and forget (Java's sendOneway): no answer, no retry. */
  async sendOneway(original: Message): Promise<void> {
    this.assertStarted();
    const msg = this.inNamespace(original);
    const properties = encodeProperties(this.properties(msg));
    const { body, sysFlag } = this.bodyOf(msg);
    const mq = this.path.fault.select(msg.topic, await this.path.writableQueues(msg.topic))!;
    const req = createRequestWithFields(
      RequestCode.SEND_MESSAGE_V2,
      this.path.header(mq, properties, false, sysFlag),
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
    const batch = encodeMessageBatch(msgs, (m) => this.properties(m), this.opts.maxMessageSize);
    const spec: SendSpec = {
      code: RequestCode.SEND_BATCH_MESSAGE,
      // The batch's own UNIQ_KEY (DefaultMQProducer#batch): a BatchCQ topic keeps it whole.
      propertiesHead: encodeProperties({ WAIT: 'true', UNIQ_KEY: createUniqKey() }),
      uniqKey: '',
      propertiesTail: '',
      body: batch.body,
      sysFlag: 0,
      batch: true,
      msgId: batch.msgIds,
    };
    const timeoutMs = opts.timeoutMs ?? this.opts.sendMsgTimeout;
    const topic = msgs[0]!.topic;
    const r = await sendWithRetry(
      this.path,
      this.opts,
      topic,
      undefined,
      spec,
      timeoutMs,
      opts.signal,
    );
    return this.outOfNamespace(r);
  }

  /**
   * The send below send() (sendKernelImpl with the queue choice of sendDefaultImpl/sendSelectImpl):
   * `topic` is the wire topic, `properties` final (UNIQ_KEY included), `body` and `sysFlag` as
   * they go out. `original` is what a selector is shown.
   */
  protected sendKernel(
    original: Message,
    topic: string,
    properties: Record<string, string>,
    body: Buffer,
    sysFlag: number,
    opts: SendOptions,
  ): Promise<SendAttempt> {
    const props = encodeProperties(properties);
    const msgId = properties[MessageConst.UNIQ_KEY] ?? '';
    const spec: SendSpec = {
      code: SEND_V2,
      propertiesHead: props,
      uniqKey: '',
      propertiesTail: '',
      body,
      sysFlag,
      batch: false,
      msgId,
    };
    return this.sendSpec(original, topic, spec, opts);
  }

  /** The queue choice of sendDefaultImpl (retried) or sendSelectImpl / an exact queue (not). */
  private sendSpec(
    original: Message,
    topic: string,
    spec: SendSpec,
    opts: SendOptions,
  ): Promise<SendResult> {
    const path = this.path;
    const timeoutMs = opts.timeoutMs ?? this.opts.sendMsgTimeout;
    if (opts.messageQueue) {
      const mq = path.exactQueue(topic, opts.messageQueue);
      return path.sendToQueue(mq, spec, timeoutMs, opts.signal);
    }
    const selector = opts.selector ?? (opts.shardingKey !== undefined ? selectByHash : undefined);
    if (selector) {
      const arg = opts.selector ? opts.selectorArg : opts.shardingKey;
      return path
        .selectQueue(original, selector, arg)
        .then((mq) => path.sendToQueue(mq, spec, timeoutMs, opts.signal));
    }
    return sendWithRetry(path, this.opts, topic, opts.queueId, spec, timeoutMs, opts.signal);
  }

  /** The properties a send carries: the application's, then WAIT, UNIQ_KEY, TAGS, KEYS, DELAY. */
  protected properties(msg: Message): Record<string, string> {
    checkMessage(msg.topic, bodyBytesOf(msg), this.opts.maxMessageSize);
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

  /** The body to send: zlib past compressMsgBodyOverHowmuch bytes (tryToCompressMessage). */
  protected bodyOf(msg: Message): { body: Buffer; sysFlag: number } {
    const body = typeof msg.body === 'string' ? Buffer.from(msg.body, 'utf8') : msg.body;
    return compressBody(body, this.opts.compressMsgBodyOverHowmuch, this.opts.compressLevel);
  }

  protected inNamespace(msg: Message): Message {
    return this.opts.namespace
      ? { ...msg, topic: wrapNamespace(this.opts.namespace, msg.topic) }
      : msg;
  }

  protected outOfNamespace(r: SendResult): SendResult {
    if (!this.opts.namespace) return r;
    const topic = unwrapNamespace(this.opts.namespace, r.messageQueue.topic);
    return { ...r, messageQueue: { ...r.messageQueue, topic } };
  }

  protected assertStarted(): void {
    if (!this.started) throw new MQClientError('the producer is not started; call start() first');
  }
}
