// With flushDiskType=SYNC_FLUSH an acknowledged message survives kill -9: senders run flat out,
// the broker is SIGKILLed mid-stream, restarted on the same store, and every acknowledged message
// must be found at the queue offset it was acknowledged with. Repeated a few times. kill -9
// leaves the kernel's page cache intact, so this proves the recovery and consume-queue rebuild,
// not the fdatasync; that acknowledgements wait for fdatasync is proven by the store's
// power-loss test through the FileIO seam.
import { describe, expect, it } from 'vitest';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { killWhileSending } from './kill-while-sending.js';

const topic = uniqueName('Durable');
const ROUNDS = 5;

const cluster = useCluster({
  brokerConfig: { flushDiskType: 'SYNC_FLUSH', mapedFileSizeCommitLog: 256 * 1024 },
  topics: [{ name: topic, queues: 2 }],
});

describe('SYNC_FLUSH durability under kill -9', () => {
  it(`keeps every acknowledged message across ${ROUNDS} crashes`, async () => {
    const acked = await killWhileSending(cluster.broker, topic, {
      rounds: ROUNDS,
      senders: 16,
      acksPerRound: 300,
    });
    expect(acked).toBeGreaterThanOrEqual(ROUNDS * 300);
  });
});
