// Replica lag in GET_BROKER_RUNTIME_INFO, from the HA side's status (a fake HaRole here).
import { describe, expect, it } from 'vitest';
import type { HaRole, HaStatus } from './ha/ha-types.js';
import { brokerPerTest } from './in-process-broker.fixture.js';
import { buildRuntimeInfo } from './runtime-info.js';

const h = brokerPerTest();

const fakeHa = (status: HaStatus): HaRole => ({ status: () => status, close: async () => {} });

const MASTER: HaStatus = {
  role: 'SYNC_MASTER',
  haServerAddr: '127.0.0.1:10912',
  push2SlaveMaxOffset: 900,
  slaves: [
    { addr: '127.0.0.1:50001', ackOffset: 900, lagBytes: 100, lagMs: 40 },
    { addr: '127.0.0.1:50002', ackOffset: 400, lagBytes: 600, lagMs: 2_500 },
  ],
};

describe('runtime info: replication', () => {
  it('a master lists its slaves with ack offset and lag; the worst lag is the replica lag', () => {
    const t = buildRuntimeInfo({ ...h.ctx, ha: fakeHa(MASTER) }, 0);
    expect(t).toMatchObject({
      haRole: 'SYNC_MASTER',
      haMaster: 'true',
      haServerAddr: '127.0.0.1:10912',
      haSlaveNums: '2',
      push2SlaveMaxOffset: '900',
      slaveFallBehindMuch: '600',
      haReplicaLagBytes: '600',
      haReplicaLagMs: '2500',
    });
    expect(JSON.parse(t.haConnectionInfo!)).toEqual([
      { addr: '127.0.0.1:50001', slaveAckOffset: 900, diff: 100, lagMs: 40 },
      { addr: '127.0.0.1:50002', slaveAckOffset: 400, diff: 600, lagMs: 2500 },
    ]);
  });

  it('a master with no slave connected has no lag and zero slaves', () => {
    const t = buildRuntimeInfo({ ...h.ctx, ha: fakeHa({ ...MASTER, slaves: [] }) }, 0);
    expect(t).toMatchObject({ haSlaveNums: '0', haReplicaLagBytes: '0', haConnectionInfo: '[]' });
  });

  it('a slave shows its master, connection, lag and what it truncated', () => {
    const status: HaStatus = {
      role: 'SLAVE',
      masterHaAddr: '127.0.0.1:10912',
      connected: false,
      slaveOffset: 1_000,
      masterOffset: 1_500,
      lagBytes: 500,
      lagMs: 7_000,
      truncatedBytes: 321,
      lastTruncatedAt: 1_700_000_000_000,
    };
    expect(buildRuntimeInfo({ ...h.ctx, ha: fakeHa(status) }, 0)).toMatchObject({
      haRole: 'SLAVE',
      haMaster: 'false',
      haMasterAddr: '127.0.0.1:10912',
      haConnected: 'false',
      haSlaveMaxOffset: '1000',
      haMasterMaxOffset: '1500',
      haReplicaLagBytes: '500',
      haReplicaLagMs: '7000',
      haTruncatedBytes: '321',
      haLastTruncatedTimestamp: '1700000000000',
    });
  });

  it('without an HA side the table has no replication keys', () => {
    const t = buildRuntimeInfo(h.ctx, 0);
    expect(Object.keys(t).filter((k) => k.startsWith('ha') || k === 'slaveFallBehindMuch')).toEqual(
      [],
    );
  });
});
