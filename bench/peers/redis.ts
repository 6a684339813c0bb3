// Redis Streams as a bench Driver (ioredis): a send is XADD (the reply comes after the AOF write,
// and with appendfsync always after its fsync); concurrent sends share one connection with
// ioredis's auto-pipelining. The consumer is a group reader: XREADGROUP COUNT 1000 (BLOCK 100)
// on its own connection, then XACK of the batch's ids, as a queue consumer would.
import { Redis } from 'ioredis';
import {
  type Consumption,
  type Driver,
  type DriverSpec,
  decodeStamp,
  encodeStamp,
  type Stamp,
} from '../workload.js';

const GROUP = 'bench';

type Item = [id: Buffer, fields: Buffer[]];
type StreamReply = [key: Buffer, items: Item[]];

/** XREADGROUP's reply for one stream; ioredis 6 hands it unwrapped ([key, items]). */
function itemsOf(res: unknown): Item[] {
  if (!Array.isArray(res) || res.length === 0) return [];
  return (Buffer.isBuffer(res[0]) ? (res as StreamReply) : (res[0] as StreamReply))[1];
}

export class RedisDriver implements Driver {
  readonly system = 'Redis Streams';
  private readonly redis: Redis;

  readonly durability: string;
  private readonly port: number;

  readonly spec: DriverSpec;

  constructor(port: number, durability: string) {
    this.spec = { kind: 'redis', port, durability };
    this.port = port;
    this.durability = durability;
    this.redis = new Redis({ host: '127.0.0.1', port, enableAutoPipelining: true });
  }

  async prepare(key: string): Promise<void> {
    await this.redis.call('XGROUP', 'CREATE', key, GROUP, '0', 'MKSTREAM');
  }

  async send(key: string, body: Buffer, stamp?: Stamp): Promise<void> {
    if (stamp) await this.redis.xadd(key, '*', 'b', body, 's', encodeStamp(stamp));
    else await this.redis.xadd(key, '*', 'b', body);
  }

  async consume(key: string, onMessage: (s: Stamp | undefined) => void): Promise<Consumption> {
    const reader = new Redis({ host: '127.0.0.1', port: this.port });
    let running = true;
    const loop = (async () => {
      while (running) {
        const res = await reader.callBuffer(
          'XREADGROUP',
          'GROUP',
          GROUP,
          'c1',
          'COUNT',
          '1000',
          'BLOCK',
          '100',
          'STREAMS',
          key,
          '>',
        );
        const items = itemsOf(res);
        if (items.length === 0) continue;
        for (const [, fields] of items) {
          const i = fields.findIndex((f, j) => j % 2 === 0 && f.toString() === 's');
          onMessage(i < 0 ? undefined : decodeStamp(fields[i + 1]?.toString()));
        }
        await reader.xack(key, GROUP, ...items.map(([id]) => id));
      }
    })();
    return {
      async stop() {
        running = false;
        await loop;
        reader.disconnect();
      },
    };
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
