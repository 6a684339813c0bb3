// mqadmin clusterRT (CLusterSendMsgRTCommand): per broker of each cluster (or of -c's), `-a`
// sends of a `-s`-byte body to the topic named after the broker (every broker serves one, so
// the sends reach that broker alone), and the mean round trip of all but the first (which pays
// for the connection and route). RocketMQ repeats forever every -i seconds; here one round is the
// default, so a script finishes, and -i <seconds> repeats until interrupted. -p true prints
// RocketMQ's tlog line (time|machineRoom|cluster|broker|rt, -m names the room) instead of the
// table.
import type { AdminClient } from '../client/admin.js';
import { Producer } from '../client/producer.js';
import { silentLogger } from '../common/logger.js';
import { type ParsedValues, requireNamesrv, stringFlag, UsageError } from './args.js';
import { type Cell, intFlag, type Output } from './mqadmin-output.js';

/** Smaller than RocketMQ's 100 sends: the default run is a quick probe, not a load. */
const CLUSTER_RT_DEFAULT_AMOUNT = 10;
const CLUSTER_RT_DEFAULT_SIZE_BYTES = 128;

export interface RtRow {
  cluster: string;
  brokerName: string;
  rtMs: number;
  successCount: number;
  failCount: number;
}

async function probe(producer: Producer, brokerName: string, amount: number, body: string) {
  let elapsedMs = 0;
  let successCount = 0;
  let failCount = 0;
  for (let i = 0; i < amount; i++) {
    const start = performance.now();
    try {
      await producer.send({ topic: brokerName, body });
      successCount++;
    } catch {
      failCount++;
    }
    if (i !== 0) elapsedMs += performance.now() - start;
  }
  return { rtMs: amount > 1 ? elapsedMs / (amount - 1) : 0, successCount, failCount };
}

async function round(
  admin: AdminClient,
  producer: Producer,
  clusters: string[] | undefined,
  amount: number,
  body: string,
): Promise<RtRow[]> {
  const info = await admin.getClusterInfo();
  const rows: RtRow[] = [];
  for (const cluster of clusters ?? Object.keys(info.clusterAddrTable).sort()) {
    const brokerNames = info.clusterAddrTable[cluster];
    if (!brokerNames) throw new UsageError(`cluster [${cluster}] not exist; check -c`);
    for (const brokerName of [...brokerNames].sort()) {
      rows.push({ cluster, brokerName, ...(await probe(producer, brokerName, amount, body)) });
    }
  }
  return rows;
}

export async function clusterRT(admin: AdminClient, v: ParsedValues, out: Output): Promise<void> {
  const amount = intFlag(v, 'amount', 'a', CLUSTER_RT_DEFAULT_AMOUNT);
  const size = intFlag(v, 'timestamp', 's', CLUSTER_RT_DEFAULT_SIZE_BYTES);
  const intervalSec = intFlag(v, 'msgId', 'i', 0);
  if (amount < 1 || size < 0 || intervalSec < 0) {
    throw new UsageError('-a must be at least 1, -s and -i not negative');
  }
  const tlog = stringFlag(v, 'perm') === 'true';
  const machineRoom = stringFlag(v, 'method') ?? 'noname'; // -m, RocketMQ's machine room
  const cluster = stringFlag(v, 'clusterName');
  const producer = new Producer({
    namesrvAddr: requireNamesrv(v),
    producerGroup: `CLUSTER_RT_${Date.now()}`,
    logger: silentLogger(),
    retryTimesWhenSendFailed: 0,
  });
  await producer.start();
  try {
    for (;;) {
      const rows = await round(
        admin,
        producer,
        cluster ? [cluster] : undefined,
        amount,
        'a'.repeat(size),
      );
      if (tlog) {
        const now = new Date().toISOString().replace('T', ' ').slice(0, 19);
        const lines = rows.map(
          (r) => `${now}|${machineRoom}|${r.cluster}|${r.brokerName}|${Math.round(r.rtMs)}`,
        );
        out.line(lines.join('\n'), rows);
      } else {
        const cells: Cell[][] = rows.map((r) => [
          r.cluster,
          r.brokerName,
          r.rtMs.toFixed(2),
          r.successCount,
          r.failCount,
        ]);
        out.table(
          ['#Cluster Name', '#Broker Name', '#RT', '#successCount', '#failCount'],
          cells,
          rows,
        );
      }
      if (intervalSec === 0) return;
      await new Promise((r) => setTimeout(r, intervalSec * 1000));
    }
  } finally {
    await producer.shutdown();
  }
}
