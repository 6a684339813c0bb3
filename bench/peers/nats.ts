// NATS JetStream as a bench Driver (nats.js): one stream per destination with file storage; a
// send is js.publish, acknowledged by the stream's PubAck. The consumer is a durable pull
// consumer read with consume() (1,000 messages per pull), acknowledged cumulatively
// (AckPolicy.All, every 256th message and at the end), as KiteMQ commits offsets per batch.
import {
  AckPolicy,
  connect,
  DeliverPolicy,
  headers,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type NatsConnection,
  StorageType,
} from 'nats';
import {
  type Consumption,
  type Driver,
  type DriverSpec,
  decodeStamp,
  encodeStamp,
  type Stamp,
} from '../workload.js';

const ACK_EVERY = 256;

export class NatsDriver implements Driver {
  readonly system = 'NATS JetStream';

  readonly durability: string;
  private readonly nc: NatsConnection;
  private readonly js: JetStreamClient;
  private readonly jsm: JetStreamManager;
  readonly spec: DriverSpec;

  private constructor(nc: NatsConnection, jsm: JetStreamManager, port: number, durability: string) {
    this.spec = { kind: 'nats', port, durability };
    this.nc = nc;
    this.js = nc.jetstream();
    this.jsm = jsm;
    this.durability = durability;
  }

  static async connect(port: number, durability: string): Promise<NatsDriver> {
    const nc = await connect({ servers: `127.0.0.1:${port}` });
    return new NatsDriver(nc, await nc.jetstreamManager(), port, durability);
  }

  async prepare(stream: string): Promise<void> {
    await this.jsm.streams.add({ name: stream, subjects: [stream], storage: StorageType.File });
  }

  async send(stream: string, body: Buffer, stamp?: Stamp): Promise<void> {
    if (stamp === undefined) {
      await this.js.publish(stream, body);
      return;
    }
    const h = headers();
    h.set('s', encodeStamp(stamp));
    await this.js.publish(stream, body, { headers: h });
  }

  async consume(stream: string, onMessage: (s: Stamp | undefined) => void): Promise<Consumption> {
    const durable = 'bench';
    await this.jsm.consumers.add(stream, {
      durable_name: durable,
      ack_policy: AckPolicy.All,
      deliver_policy: DeliverPolicy.All,
      max_ack_pending: 100_000,
    });
    const consumer = await this.js.consumers.get(stream, durable);
    const messages = await consumer.consume({ max_messages: 1_000 });
    let last: JsMsg | undefined;
    let n = 0;
    const loop = (async () => {
      for await (const m of messages) {
        onMessage(decodeStamp(m.headers?.get('s') || undefined));
        last = m;
        if (++n % ACK_EVERY === 0) m.ack();
      }
    })();
    return {
      async stop() {
        last?.ack();
        await messages.close();
        await loop;
      },
    };
  }

  async close(): Promise<void> {
    await this.nc.drain();
  }
}
