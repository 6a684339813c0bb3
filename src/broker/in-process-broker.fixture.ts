// In-process broker for processor unit tests (fastify's inject(), STYLE.md principle 8): a real
// BrokerContext over a real MessageStore in a temp dir, the processor table BrokerController
// registers (processor-table.ts), and no sockets. request(code, extFields, body) answers as the
// RemotingServer would: unknown code → REQUEST_CODE_NOT_SUPPORTED, a thrown KiteError → its code
// and remark, any other throw → SYSTEM_ERROR; a pull parked by long polling resolves when it is
// woken or its deadline passes. What the broker pushes to the client (a woken pull's answer,
// NOTIFY_CONSUMER_IDS_CHANGED) is recorded on the in-memory connection. brokerPerTest() opens one
// for each test of a file, withInProcessBroker() one for a single test's other configuration.
// Test code only (*.fixture.ts): the build and tidy's production rules skip it.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach } from 'vitest';
import { parseBrokerConfig } from '../common/config/broker-config.js';
import type { ConfigValue } from '../common/config/schema.js';
import { KiteError } from '../common/errors.js';
import { silentLogger } from '../common/logger.js';
import { parseMessageDelayLevel } from '../message/delay-level.js';
import { encodeProperties } from '../message/properties-codec.js';
import { TBW102 } from '../message/system-topics.js';
import { buildPullSysFlag, encodePullHeader } from '../protocol/headers/pull.js';
import { encodeSendHeader } from '../protocol/headers/send.js';
import {
  createRequest,
  createResponse,
  type ExtFields,
  type RemotingCommand,
} from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import type { Connection } from '../remoting/connection.js';
import type { RequestProcessor } from '../remoting/processor.js';
import { RemotingClient } from '../remoting/remoting-client.js';
import { nodeFileIO } from '../store/file-io.js';
import { MessageStore } from '../store/message-store.js';
import { TempDirs, testStoreOptions } from '../store/store.fixture.js';
import type { BrokerContext } from './broker-context.js';
import { BrokerStats } from './broker-stats.js';
import { PullRequestHoldService } from './long-polling/pull-request-hold-service.js';
import { ConsumerManager } from './managers/consumer-manager.js';
import { ConsumerOffsetManager } from './managers/consumer-offset-manager.js';
import { ProducerManager } from './managers/producer-manager.js';
import { RebalanceLockManager } from './managers/rebalance-lock-manager.js';
import { SubscriptionGroupManager } from './managers/subscription-group-manager.js';
import { newTopicConfig, TopicConfigManager } from './managers/topic-config-manager.js';
import { NamesrvRegistration } from './namesrv-registration.js';
import { registerBrokerProcessors } from './processor-table.js';
import { ScheduleMessageService } from './schedule/schedule-message-service.js';
import { SendQueue } from './send-queue.js';
import { TimerMessageStore } from './timer/timer-message-store.js';
import { TransactionCheckService } from './transaction/check-service.js';
import { opTopicCreator } from './transaction/op-messages.js';
import { TransactionService } from './transaction/transaction-service.js';

/** broker.conf keys every harness starts from; a test's overrides win. */
const HARNESS_CONFIG: Readonly<Record<string, ConfigValue>> = {
  brokerIP1: '127.0.0.1',
  namesrvAddr: '',
  maxMessageSize: 64 * 1024,
};

/** SEND_MESSAGE_V2's fields for one message to `topic` (its single-letter keys). */
export function sendFields(
  topic: string,
  properties: Record<string, string> = {},
  queueId = 0,
): ExtFields {
  return encodeSendHeader(
    {
      producerGroup: 'PG',
      topic,
      defaultTopic: TBW102,
      defaultTopicQueueNums: 4,
      queueId,
      sysFlag: 0,
      bornTimestamp: Date.now(),
      flag: 0,
      properties: encodeProperties(properties),
    },
    { v2: true },
  );
}

/** PULL_MESSAGE's fields: group G reading `topic`/`queueId` from `queueOffset`, tag filter `*`. */
export function pullFields(
  topic: string,
  queueOffset: number,
  over: Record<string, string | number> = {},
): Record<string, string | number> {
  // The subscription rides on the request, no heartbeat needed; no suspend, no commit.
  const sysFlag = buildPullSysFlag({ commitOffset: false, suspend: false, subscription: true });
  const h = encodePullHeader({
    consumerGroup: 'G',
    topic,
    queueId: 0,
    queueOffset,
    maxMsgNums: 32,
    sysFlag,
    subscription: '*',
  });
  return { ...h, ...over };
}

/** The client side of one connection, held in memory: what the broker pushed, and its state. */
export class InMemoryConnection extends EventEmitter {
  private static nextId = 1;
  readonly id = InMemoryConnection.nextId++;
  readonly remoteAddress: string;
  readonly localAddress = '127.0.0.1:10911';
  readonly attributes = new Map<string, unknown>();
  /** Commands the broker sent on its own: answers of woken pulls, oneway notifications. */
  readonly pushed: RemotingCommand[] = [];
  private closed = false;

  constructor(remoteAddress: string) {
    super();
    this.remoteAddress = remoteAddress;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(cmd: RemotingCommand): void {
    this.pushed.push(cmd);
    this.emit('pushed', cmd);
  }

  invokeOneway(cmd: RemotingCommand): void {
    this.send(cmd);
  }

  invoke(cmd: RemotingCommand): Promise<RemotingCommand> {
    this.send(cmd);
    return Promise.reject(new Error('the in-memory client answers no broker-initiated request'));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }

  /** The Connection the processors are given (they use only the members above). */
  get asConnection(): Connection {
    return this as unknown as Connection;
  }
}

export interface InProcessBroker {
  readonly ctx: BrokerContext;
  /** The default client connection; connect() makes more (another client of the same group). */
  readonly conn: InMemoryConnection;
  connect(remoteAddress?: string): InMemoryConnection;
  /** A topic with `queues` read and write queues, created as mqadmin updateTopic would. */
  createTopic(topic: string, queues?: number): void;
  /** Sends `bodies` to queue 0 of `topic` with SEND_MESSAGE_V2; fails unless each is stored. */
  send(topic: string, bodies: string[], properties?: Record<string, string>): Promise<void>;
  /** One request as the RemotingServer would dispatch it; waits for a parked pull's answer. */
  request(
    code: number,
    extFields?: Record<string, string | number | boolean | undefined>,
    body?: Buffer,
    conn?: InMemoryConnection,
  ): Promise<RemotingCommand>;
  /** Shuts the broker's services down and removes the temp store. */
  close(): Promise<void>;
}

/** A broker with its store in a fresh temp dir; `overrides` are broker.conf keys. */
export async function openInProcessBroker(
  overrides: Readonly<Record<string, ConfigValue>> = {},
): Promise<InProcessBroker> {
  const dirs = new TempDirs('kitemq-inproc-');
  const root = dirs.make();
  const { config } = parseBrokerConfig('', 'broker.conf', {
    ...HARNESS_CONFIG,
    ...overrides,
    storePathRootDir: root,
  });
  const log = silentLogger();
  const store = await MessageStore.open(
    testStoreOptions(root, {
      mappedFileSizeCommitLog: 1024 * 1024,
      maxMessageSize: config.maxMessageSize,
      transfer: {
        countInMemory: config.maxTransferCountOnMessageInMemory,
        bytesInMemory: config.maxTransferBytesOnMessageInMemory,
        countInDisk: config.maxTransferCountOnMessageInDisk,
        bytesInDisk: config.maxTransferBytesOnMessageInDisk,
      },
      flushDiskType: config.flushDiskType,
      messageIndexEnable: config.messageIndexEnable,
      maxHashSlotNum: 1_024,
      maxIndexNum: 4_096,
      slave:
        config.brokerRole === 'SLAVE'
          ? { brokerName: config.brokerName, brokerId: config.brokerId }
          : undefined,
    }),
  );
  const storeHost = `${config.brokerIP1}:${config.listenPort}`;
  const topics = new TopicConfigManager(config, log);
  topics.load();
  const groups = new SubscriptionGroupManager(config);
  groups.load();
  const offsets = new ConsumerOffsetManager(root);
  offsets.load();
  const pullHold = new PullRequestHoldService(log);
  store.on('messageArrived', (topic, queueId, next, tagsCode) =>
    pullHold.notifyMessageArriving(topic, queueId, next, tagsCode),
  );
  const levels = parseMessageDelayLevel(config.messageDelayLevel);
  // brokerRole=SLAVE: the follower modes BrokerController gives a slave.
  const follower = config.brokerRole === 'SLAVE';
  if (follower) store.cleanService.followMaster();
  const schedule = new ScheduleMessageService(store, {
    storePathRootDir: root,
    levels,
    log,
    follower,
  });
  schedule.start();
  const timer = config.timerWheelEnable
    ? new TimerMessageStore(store, {
        storePathRootDir: root,
        precisionMs: config.timerPrecisionMs,
        rollWindowSlots: config.timerRollWindowSlot,
        log,
        follower,
      })
    : undefined;
  await timer?.start();
  const transactions = await TransactionService.open(store, nodeFileIO, root, log, {
    ensureOpTopic: opTopicCreator(topics),
    follower,
  });
  const producers = new ProducerManager();
  // Not started: tests run its rounds themselves, with their own clock.
  const transactionChecks = new TransactionCheckService(
    { store, producers, transactions, topics, io: nodeFileIO, root, log },
    {
      timeoutMs: config.transactionTimeOut,
      intervalMs: config.transactionCheckInterval,
      checkMax: config.transactionCheckMax,
      fileReservedTimeMs: config.fileReservedTime * 3_600_000,
      brokerName: config.brokerName,
      follower,
    },
  );
  // No name server: the registration publishes nothing and every change is answered at once.
  const outbound = new RemotingClient(log);
  const routes = new NamesrvRegistration(config, storeHost, topics, outbound, log);
  const ctx: BrokerContext = {
    config,
    log,
    store,
    topics,
    routes,
    groups,
    offsets,
    consumers: new ConsumerManager(log),
    producers,
    pullHold,
    stats: new BrokerStats(),
    sendQueue: new SendQueue(config.sendThreadPoolQueueCapacity),
    schedule,
    timer,
    transactions,
    transactionChecks,
    locks: new RebalanceLockManager(config.rebalanceLockMaxLiveTime),
    storeHost,
  };
  const table = new Map<number, RequestProcessor>();
  registerBrokerProcessors(ctx, {
    registerProcessor(codes, processor) {
      for (const code of typeof codes === 'number' ? [codes] : codes) table.set(code, processor);
    },
  });
  pullHold.start();
  let clients = 0;
  const connect = (remoteAddress = `127.0.0.1:${50_000 + clients++}`) => {
    const conn = new InMemoryConnection(remoteAddress);
    conn.on('close', () => {
      ctx.consumers.onChannelClose(conn.asConnection);
      ctx.producers.onChannelClose(conn.asConnection);
    });
    return conn;
  };
  const conn = connect();
  let opaque = 0;
  const h: InProcessBroker = {
    ctx,
    conn,
    connect,
    createTopic(topic, queues = 1) {
      topics.createOrUpdate(newTopicConfig(topic, queues));
    },
    async send(topic, bodies, properties = {}) {
      for (const b of bodies) {
        const res = await h.request(
          RequestCode.SEND_MESSAGE_V2,
          sendFields(topic, properties),
          Buffer.from(b),
        );
        if (res.code !== ResponseCode.SUCCESS)
          throw new Error(`send to ${topic}: ${res.code} ${res.remark}`);
      }
    },
    async request(code, extFields = {}, body, on = conn) {
      const req = createRequest(code, ++opaque, extFields, body);
      const processor = table.get(code);
      if (!processor) {
        const remark = ` request type ${code} not supported`;
        return createResponse(req, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, remark);
      }
      try {
        const res = await processor(req, on.asConnection);
        return res ?? (await parkedAnswer(on, req.opaque));
      } catch (err) {
        if (err instanceof KiteError && err.family !== 'protocol') {
          return createResponse(req, err.responseCode, err.remark);
        }
        const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        return createResponse(req, ResponseCode.SYSTEM_ERROR, msg);
      }
    },
    async close() {
      pullHold.shutdown();
      await schedule.shutdown();
      await timer?.shutdown();
      transactions.close();
      outbound.close();
      await offsets.close();
      await groups.close();
      await store.shutdown();
      dirs.removeAll();
    },
  };
  return h;
}

/** The answer the broker sends later for a request it parked (a suspended pull). */
function parkedAnswer(conn: InMemoryConnection, opaque: number): Promise<RemotingCommand> {
  return new Promise((resolve) => {
    const onPushed = (cmd: RemotingCommand) => {
      if (cmd.opaque !== opaque) return;
      conn.off('pushed', onPushed);
      resolve(cmd);
    };
    conn.on('pushed', onPushed);
  });
}

/** A broker opened, then closed, once per test; `setup` runs on each before the test. */
export function brokerPerTest(
  overrides: Readonly<Record<string, ConfigValue>> = {},
  setup: (h: InProcessBroker) => void | Promise<void> = () => {},
): InProcessBroker {
  let current: InProcessBroker | undefined;
  beforeEach(async () => {
    current = await openInProcessBroker(overrides);
    await setup(current);
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const now = (): InProcessBroker => {
    if (!current) throw new Error('the per-test broker exists only while a test runs');
    return current;
  };
  return {
    get ctx() {
      return now().ctx;
    },
    get conn() {
      return now().conn;
    },
    connect: (remoteAddress) => now().connect(remoteAddress),
    createTopic: (topic, queues) => now().createTopic(topic, queues),
    send: (topic, bodies, properties) => now().send(topic, bodies, properties),
    request: (code, extFields, body, conn) => now().request(code, extFields, body, conn),
    close: () => now().close(),
  };
}

/** Runs `test` on a broker of its own (other broker.conf keys), closed afterwards. */
export async function withInProcessBroker(
  overrides: Readonly<Record<string, ConfigValue>>,
  test: (h: InProcessBroker) => Promise<void>,
): Promise<void> {
  const h = await openInProcessBroker(overrides);
  try {
    await test(h);
  } finally {
    await h.close();
  }
}
