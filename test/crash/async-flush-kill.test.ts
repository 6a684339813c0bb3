// With flushDiskType=ASYNC_FLUSH (the default) an acknowledged message survives kill -9 too: it
// is acknowledged once written to the kernel, and the page cache outlives the process. The
// flusher is kept from running during the test (flushIntervalCommitLog and
// flushCommitLogLeastPages far out of reach), so what survives was never fdatasynced: the
// kernel kept it, not a flush. What ASYNC_FLUSH may lose is bounded only against power loss;
// the store's power-loss test checks that bound.
import { describe, expect, it } from 'vitest';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { killWhileSending } from './kill-while-sending.js';

const topic = uniqueName('PageCache');
const ROUNDS = 3;

const cluster = useCluster({
  brokerConfig: {
    flushDiskType: 'ASYNC_FLUSH',
    mapedFileSizeCommitLog: 256 * 1024,
    flushIntervalCommitLog: 3_600_000,
    flushCommitLogLeastPages: 1_000_000,
  },
  topics: [{ name: topic, queues: 2 }],
});

describe('ASYNC_FLUSH durability under kill -9', () => {
  it(`keeps every acknowledged message across ${ROUNDS} crashes, the flusher idle`, async () => {
    const acked = await killWhileSending(cluster.broker, topic, {
      rounds: ROUNDS,
      senders: 16,
      acksPerRound: 500,
    });
    expect(acked).toBeGreaterThanOrEqual(ROUNDS * 500);
  });
});
