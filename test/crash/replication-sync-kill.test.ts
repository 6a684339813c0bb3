// SYNC_MASTER + SYNC_FLUSH under kill -9 of the master, in a loop: senders run flat out, the
// master is SIGKILLed mid-stream, and every send it acknowledged must already be on the slave at
// the queue offset it was acknowledged with (the slave cannot catch up from a dead master, so
// what it has is what the acks promised). The master then restarts on its store, the slave
// reconnects, and the next round runs.
import { describe, expect, it } from 'vitest';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { pollUntil } from '../harness/poll.js';
import { uniqueName } from '../harness/processes.js';
import { readQueue } from '../harness/replica-read.js';
import { useReplicatedCluster } from '../harness/replicated.js';

const topic = uniqueName('SyncKill');
const ROUNDS = 3;
const ACKS_BEFORE_KILL = 150;
const SENDERS = 8;

const r = useReplicatedCluster({
  role: 'SYNC_MASTER',
  brokerConfig: { flushDiskType: 'SYNC_FLUSH', mapedFileSizeCommitLog: 1024 * 1024 },
  topics: [{ name: topic, queues: 2 }],
  killOnStop: true,
});

interface Ack {
  queueId: number;
  queueOffset: number;
  body: string;
}

describe('SYNC_MASTER with SYNC_FLUSH, kill -9 of the master in a loop', () => {
  it(`loses no acknowledged message from the slave across ${ROUNDS} kills`, async () => {
    const pair = r.pairs[0]!;
    const acked: Ack[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let killing: Promise<unknown> | undefined;
      let roundAcks = 0;
      const sender = async (s: number) => {
        for (let i = 0; ; i++) {
          const queueId = i % 2;
          const body = `r${round}-s${s}-${i}`;
          const res = await pair.rawMaster.send(topic, queueId, body).catch(() => undefined);
          if (res === undefined) return; // the master is gone
          if (res.code !== ResponseCode.SUCCESS) continue;
          acked.push({ queueId, queueOffset: Number(res.extFields.queueOffset), body });
          if (++roundAcks >= ACKS_BEFORE_KILL && killing === undefined) {
            killing = pair.master.kill();
          }
        }
      };
      await Promise.all(Array.from({ length: SENDERS }, (_, s) => sender(s)));
      await killing;
      const onSlave = [
        await readQueue(pair.rawSlave, topic, 0),
        await readQueue(pair.rawSlave, topic, 1),
      ];
      const missing = acked.filter((a) => onSlave[a.queueId]!.get(a.queueOffset) !== a.body);
      expect(missing).toEqual([]);
      await pair.master.restart();
      const back = await pollUntil(
        () => pair.rawMaster.send(topic, 0, `probe-${round}`).catch(() => undefined),
        (res) => res?.code === ResponseCode.SUCCESS,
        60_000,
        200,
      );
      expect(back?.code).toBe(ResponseCode.SUCCESS);
    }
    expect(acked.length).toBeGreaterThanOrEqual(ROUNDS * ACKS_BEFORE_KILL);
  });
});
