// A send load in its own process (so the measuring process stays idle): pipelines 1 KiB sends
// to queues 1..3 of a topic until SIGTERM, then prints "sent <n> <ms>" on stdout.
//   node --import tsx bench/load-producer.ts <namesrv> <topic> <inflight>
import { Producer } from '../src/client/producer.js';
import { silentLogger } from '../src/common/logger.js';

const [namesrvAddr = '127.0.0.1:9876', topic = 'PullLatency', inflight = '256'] =
  process.argv.slice(2);
const producer = new Producer({ namesrvAddr, producerGroup: 'load', logger: silentLogger() });
await producer.start();
const body = Buffer.alloc(1024, 97);
let sent = 0;
let stop = false;
const t0 = Date.now();
process.once('SIGTERM', () => {
  stop = true;
});
process.stdout.write('ready\n');
await Promise.all(
  Array.from({ length: Number(inflight) }, async () => {
    while (!stop) {
      await producer.send({ topic, body }, { queueId: 1 + (sent % 3) });
      sent++;
    }
  }),
);
process.stdout.write(`sent ${sent} ${Date.now() - t0}\n`);
await producer.shutdown();
process.exit(0);
