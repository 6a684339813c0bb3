// SYNC_MASTER with RocketMQ 4.x's meaning, on real processes: SEND_OK means the slave has the
// bytes; with the slave gone the master answers SLAVE_NOT_AVAILABLE at once (not after
// slaveTimeout), and once the slave is back it catches up on what was stored meanwhile and sends
// are SEND_OK again.
import { describe, expect, it } from 'vitest';
import { decodeOffsetMsgId } from '../../src/message/message-id.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { pollUntil } from '../harness/poll.js';
import { uniqueName } from '../harness/processes.js';
import { queueLines } from '../harness/replica-read.js';
import { useReplicatedCluster } from '../harness/replicated.js';
import { runBin } from '../harness/run-bin.js';
import { numbered, startProducer } from '../harness/sdk.js';

const topic = uniqueName('SyncRepl');
const r = useReplicatedCluster({
  role: 'SYNC_MASTER',
  brokerConfig: { flushDiskType: 'SYNC_FLUSH' },
  topics: [{ name: topic, queues: 2 }],
});

async function slaveMaxPhy(): Promise<number> {
  return Number((await r.runtimeInfo(r.pairs[0]!.slave.addr)).commitLogMaxOffset);
}

describe('SYNC_MASTER', () => {
  it('acknowledges a send only once its slave has the bytes', async () => {
    const p = await startProducer(r.namesrvAddr);
    try {
      for (const m of numbered(topic, 0, 20)) {
        const res = await p.send(m);
        expect(res.sendStatus).toBe('SEND_OK');
        // Read right after the ack, without waiting: the slave already holds the record.
        const { commitLogOffset } = decodeOffsetMsgId(res.offsetMsgId);
        expect(await slaveMaxPhy()).toBeGreaterThan(commitLogOffset);
      }
    } finally {
      await p.shutdown();
    }
    const pair = r.pairs[0]!;
    expect(await queueLines(pair.rawSlave, topic, 2)).toEqual(
      await queueLines(pair.rawMaster, topic, 2),
    );
  });

  it('mqadmin haStatus shows the master, its slave and the link', async () => {
    const pair = r.pairs[0]!;
    type Row = { brokerId: string; addr: string; info: Record<string, string> | null };
    const read = async () => {
      const res = await runBin('mqadmin', ['haStatus', '-n', r.namesrvAddr, '--json']);
      expect(res.code).toBe(0);
      return JSON.parse(res.stdout) as Row[];
    };
    const rows = await pollUntil(
      read,
      (rs) => rs.length === 2 && rs.every((x) => x.info?.haRole !== undefined),
      30_000,
      200,
    );
    const master = rows.find((x) => x.brokerId === '0')!;
    const slave = rows.find((x) => x.brokerId === '1')!;
    expect([master.addr, slave.addr]).toEqual([pair.master.addr, pair.slave.addr]);
    expect(master.info).toMatchObject({ haRole: 'SYNC_MASTER', haSlaveNums: '1' });
    expect(slave.info).toMatchObject({ haRole: 'SLAVE', haConnected: 'true' });
    const text = await runBin('mqadmin', ['haStatus', '-n', r.namesrvAddr]);
    expect(text.stdout).toMatch(/#Role\s+#HA Addr \/ Master/);
    expect(text.stdout).toMatch(
      new RegExp(`${pair.slave.addr.replace(/\./g, '\\.')}\\s+SLAVE\\s+\\S+\\s+up`),
    );
  });

  it('answers SLAVE_NOT_AVAILABLE at once without its slave, and SEND_OK once it is back', async () => {
    const pair = r.pairs[0]!;
    await pair.slave.stop({ keepStore: true });
    const down = await pollUntil(
      () => pair.rawMaster.send(topic, 0, 'while-down'),
      (res) => res.code === ResponseCode.SLAVE_NOT_AVAILABLE,
      30_000,
    );
    expect(down.code).toBe(ResponseCode.SLAVE_NOT_AVAILABLE);
    expect(down.remark ?? '').toMatch(/slave/i);
    // Stored all the same (RocketMQ counts it stored, not replicated): a few more while down.
    for (let i = 0; i < 5; i++) {
      expect((await pair.rawMaster.send(topic, 1, `down-${i}`)).code).toBe(
        ResponseCode.SLAVE_NOT_AVAILABLE,
      );
    }
    await pair.slave.restart();
    const up = await pollUntil(
      () => pair.rawMaster.send(topic, 0, 'after'),
      (res) => res.code === ResponseCode.SUCCESS,
      60_000,
      200,
    );
    expect(up.code).toBe(ResponseCode.SUCCESS);
    await r.waitCaughtUp(0);
    const lines = await queueLines(pair.rawSlave, topic, 2);
    expect(lines).toEqual(await queueLines(pair.rawMaster, topic, 2));
    expect(lines.filter((l) => l.includes('=down-'))).toHaveLength(5);
  });
});
