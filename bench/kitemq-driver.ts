// KiteMQ as a bench Driver: our SDK's Producer (one send = one acknowledged SEND_MESSAGE_V2) and
// PushConsumer (from the first offset, offsets committed by the SDK as usual). Topics have 8
// queues and are created on one broker, or on every master of the first cluster when the bench
// was pointed at an existing cluster with -n.
import { AdminClient } from '../src/client/admin.js';
import { Producer } from '../src/client/producer.js';
import { PushConsumer } from '../src/client/push-consumer.js';
import { silentLogger } from '../src/common/logger.js';
import {
  type Consumption,
  type Driver,
  type DriverSpec,
  decodeStamp,
  encodeStamp,
  type Stamp,
} from './workload.js';

const logger = silentLogger();
const STAMP = 'benchStamp';
let groups = 0;

export interface KiteMQDriverOptions {
  namesrvAddr: string;
  /** Create topics on this broker only; otherwise on every master of the first cluster. */
  brokerAddr?: string;
  durability: string;
  queues?: number;
  /** The producer gathers concurrent sends into batches (ProducerOptions.autoBatch). */
  autoBatch?: boolean;
}

const BENCH_PULL_BATCH_SIZE = Number(process.env.KITEMQ_BENCH_PULL_BATCH_SIZE) || 0;

export class KiteMQDriver implements Driver {
  readonly system = 'KiteMQ';
  readonly durability: string;
  readonly producer: Producer;
  private readonly admin: AdminClient;

  private readonly opts: KiteMQDriverOptions;

  get spec(): DriverSpec {
    const { namesrvAddr, brokerAddr, queues, durability } = this.opts;
    return { kind: 'kitemq', durability, namesrvAddr, brokerAddr, queues };
  }

  private constructor(opts: KiteMQDriverOptions) {
    this.opts = opts;
    this.durability = opts.durability;
    this.admin = new AdminClient({ namesrvAddr: opts.namesrvAddr, logger });
    this.producer = new Producer({
      namesrvAddr: opts.namesrvAddr,
      producerGroup: `BenchPG_${process.pid}`,
      logger,
      autoBatch: opts.autoBatch ?? false,
    });
  }

  static async connect(opts: KiteMQDriverOptions): Promise<KiteMQDriver> {
    const d = new KiteMQDriver(opts);
    await d.producer.start();
    return d;
  }

  /** `attributes`: RocketMQ's "+queue.type=BatchCQ" form, for (e'). */
  async prepare(topic: string, attributes?: string): Promise<void> {
    const queues = this.opts.queues ?? 8;
    await createKiteTopic(this.admin, topic, queues, this.opts.brokerAddr, attributes);
  }

  async send(topic: string, body: Buffer, stamp?: Stamp): Promise<void> {
    const properties = stamp ? { [STAMP]: encodeStamp(stamp) } : undefined;
    await this.producer.send({ topic, body, properties });
  }

  async consume(topic: string, onMessage: (s: Stamp | undefined) => void): Promise<Consumption> {
    const c = new PushConsumer({
      namesrvAddr: this.opts.namesrvAddr,
      consumerGroup: `BenchCG_${process.pid}_${++groups}`,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      consumeThreadMax: 64,
      // A/B knob for the pull pipeline (bench/README.md "(c) and (d)"); unset: the default.
      pullPipelineDepth: Number(process.env.KITEMQ_BENCH_PULL_PIPELINE_DEPTH) || undefined,
      // The same for pullBatchSize (the broker's maxTransferCount* caps it; drain-tail --conf).
      // Left out when unset: an explicit undefined would replace the option's default.
      ...(BENCH_PULL_BATCH_SIZE ? { pullBatchSize: BENCH_PULL_BATCH_SIZE } : {}),
      logger,
    });
    c.on('error', () => {});
    c.subscribe(topic, '*').registerMessageListener((msgs) => {
      for (const m of msgs) onMessage(decodeStamp(m.properties[STAMP]));
      return 'CONSUME_SUCCESS';
    });
    await c.start();
    return { stop: () => c.shutdown() };
  }

  async close(): Promise<void> {
    await this.producer.shutdown();
    this.admin.close();
  }
}

/** Creates a topic and waits until the name server routes it. */
export async function createKiteTopic(
  admin: AdminClient,
  topic: string,
  queues: number,
  brokerAddr?: string,
  attributes?: string,
): Promise<void> {
  const q = { readQueueNums: queues, writeQueueNums: queues, attributes };
  if (brokerAddr !== undefined) await admin.createTopic({ topic, brokerAddr, ...q });
  else {
    const clusterName = Object.keys((await admin.getClusterInfo()).clusterAddrTable)[0];
    if (clusterName === undefined) throw new Error('no broker is registered with the name server');
    await admin.createTopic({ topic, clusterName, ...q });
  }
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await admin.getTopicRoute(topic);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
