// A slave whose log diverged from its master's: the master lost a tail the slave had (its store
// cut back while both were down) and then wrote new, different records past that point. On
// reconnect the slave must drop exactly the bytes the master does not have, say so, and end up
// byte-for-byte the master's log; a slave that was merely offline must catch up without dropping
// anything.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/common/logger.js';
import { decodeOffsetMsgId } from '../../src/message/message-id.js';
import { MessageStore } from '../../src/store/message-store.js';
import { HARNESS_BROKER_DEFAULTS, uniqueName } from '../harness/processes.js';
import { queueLines } from '../harness/replica-read.js';
import { useReplicatedCluster } from '../harness/replicated.js';
import { numbered, startProducer } from '../harness/sdk.js';

const topic = uniqueName('Diverge');
const r = useReplicatedCluster({ topics: [{ name: topic, queues: 1 }] });

async function sendAll(bodies: string[]): Promise<number[]> {
  const p = await startProducer(r.namesrvAddr);
  try {
    const offsets: number[] = [];
    for (const m of numbered(topic, 0, bodies.length, (i) => ({ body: bodies[i]! }))) {
      const res = await p.send(m);
      offsets.push(decodeOffsetMsgId(res.offsetMsgId).commitLogOffset);
    }
    return offsets;
  } finally {
    await p.shutdown();
  }
}

/** Cuts a stopped broker's store back to commit-log offset `to`, as a lost tail would. */
async function cutStore(storeDir: string, to: number): Promise<void> {
  const store = await MessageStore.open({
    storePathRootDir: storeDir,
    storePathCommitLog: join(storeDir, 'commitlog'),
    mappedFileSizeCommitLog: Number(HARNESS_BROKER_DEFAULTS.mapedFileSizeCommitLog),
    mappedFileSizeConsumeQueue: 6_000_000,
    flushDiskType: 'SYNC_FLUSH',
    flushIntervalCommitLog: 500,
    flushCommitLogLeastPages: 4,
    syncFlushTimeout: 5_000,
    maxMessageSize: 4 * 1024 * 1024,
    logger: silentLogger(),
  });
  try {
    const cut = store.truncateTo(to);
    expect(cut.ok).toBe(true);
  } finally {
    await store.shutdown();
  }
}

describe('a slave that fell behind or diverged', () => {
  it('catches up on what was written while it was offline', async () => {
    const pair = r.pairs[0]!;
    await sendAll(['a0', 'a1', 'a2']);
    await r.waitCaughtUp(0);
    await pair.slave.stop({ keepStore: true });
    await sendAll(Array.from({ length: 30 }, (_, i) => `offline-${i}`));
    await pair.slave.restart();
    await r.waitCaughtUp(0);
    expect(await queueLines(pair.rawSlave, topic, 1)).toEqual(
      await queueLines(pair.rawMaster, topic, 1),
    );
    const info = await r.runtimeInfo(pair.slave.addr);
    expect(Number(info.haTruncatedBytes ?? 0)).toBe(0);
  });

  it('truncates what the master lost, then follows the master byte for byte', async () => {
    const pair = r.pairs[0]!;
    const offsets = await sendAll(Array.from({ length: 10 }, (_, i) => `old-${i}`));
    await r.waitCaughtUp(0);
    await pair.slave.stop({ keepStore: true });
    await pair.master.stop({ keepStore: true });
    await cutStore(pair.master.storeDir, offsets[5]!); // old-5..old-9 are lost on the master
    await pair.master.restart();
    // New, longer records past the cut: the slave's old-5.. bytes now differ from the master's.
    await sendAll(Array.from({ length: 10 }, (_, i) => `new-record-with-a-longer-body-${i}`));
    await pair.slave.restart();
    await r.waitCaughtUp(0);
    const master = await queueLines(pair.rawMaster, topic, 1);
    expect(master.some((l) => l.includes('=old-5'))).toBe(false);
    expect(await queueLines(pair.rawSlave, topic, 1)).toEqual(master);
    const info = await r.runtimeInfo(pair.slave.addr);
    expect(Number(info.haTruncatedBytes)).toBeGreaterThan(0);
  });
});
