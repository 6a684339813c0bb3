// RabbitMQ as a bench Driver (amqplib): one durable quorum queue per destination; a send is a
// persistent publish on a confirm channel, resolved by the broker's confirm (a quorum queue
// confirms once the entry is fsynced on a majority; here the one node). The consumer has its
// own connection, prefetch 1,000, and acknowledges cumulatively (multiple) every 100 messages.
import { type Channel, type ChannelModel, type ConfirmChannel, connect } from 'amqplib';
import {
  type Consumption,
  type Driver,
  type DriverSpec,
  decodeStamp,
  encodeStamp,
  type Stamp,
} from '../workload.js';

const ACK_EVERY = 100;
const rabbitUrl = (port: number) => `amqp://guest:guest@127.0.0.1:${port}`;

export class RabbitDriver implements Driver {
  readonly system = 'RabbitMQ';

  readonly durability: string;
  private readonly url: string;
  private readonly conn: ChannelModel;
  private readonly ch: ConfirmChannel;
  readonly spec: DriverSpec;

  private constructor(port: number, conn: ChannelModel, ch: ConfirmChannel, durability: string) {
    this.spec = { kind: 'rabbitmq', port, durability };
    this.url = rabbitUrl(port);
    this.conn = conn;
    this.ch = ch;
    this.durability = durability;
  }

  static async connect(port: number, durability: string): Promise<RabbitDriver> {
    const conn = await connect(rabbitUrl(port));
    const ch = await conn.createConfirmChannel();
    return new RabbitDriver(port, conn, ch, durability);
  }

  async prepare(queue: string): Promise<void> {
    await this.ch.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  }

  send(queue: string, body: Buffer, stamp?: Stamp): Promise<void> {
    const headers = stamp ? { s: encodeStamp(stamp) } : undefined;
    return new Promise((resolve, reject) => {
      this.ch.sendToQueue(queue, body, { persistent: true, headers }, (err) =>
        err ? reject(err) : resolve(),
      );
    });
  }

  async consume(queue: string, onMessage: (s: Stamp | undefined) => void): Promise<Consumption> {
    const conn = await connect(this.url);
    const ch: Channel = await conn.createChannel();
    await ch.prefetch(1_000);
    let n = 0;
    const { consumerTag } = await ch.consume(queue, (m) => {
      if (m === null) return;
      const s = m.properties.headers?.s;
      onMessage(decodeStamp(typeof s === 'string' ? s : s?.toString()));
      if (++n % ACK_EVERY === 0) ch.ack(m, true);
    });
    return {
      async stop() {
        await ch.cancel(consumerTag);
        ch.ackAll();
        await ch.close();
        await conn.close();
      },
    };
  }

  async close(): Promise<void> {
    await this.ch.close();
    await this.conn.close();
  }
}
