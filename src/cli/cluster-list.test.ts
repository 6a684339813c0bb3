import { describe, expect, it } from 'vitest';
import {
  type ClusterRow,
  clusterListLines,
  replicaLagCell,
  truncationNotes,
} from './cluster-list.js';

const row = (brokerId: string, info: ClusterRow['info']): ClusterRow => ({
  cluster: 'DefaultCluster',
  brokerName: 'broker-a',
  brokerId,
  addr: `127.0.0.1:1091${brokerId}`,
  info,
});

describe('clusterList stats columns', () => {
  it("shows version, first-window TPS with the send queue load, today's totals, disk ratio", () => {
    const info = {
      brokerVersionDesc: 'V5_3_3',
      putTps: '12.50 3.00 0.30',
      getTransferedTps: '7.25 1.00 0.10',
      sendThreadPoolQueueSize: '2',
      sendThreadPoolQueueHeadWaitTimeMills: '5',
      msgPutTotalTodayNow: '120',
      msgPutTotalTodayMorning: '20',
      msgGetTotalTodayNow: '90',
      msgGetTotalTodayMorning: '0',
      commitLogDiskRatio: '0.091020454',
    };
    expect(clusterListLines([row('0', info)])[1]!.slice(4, 10)).toEqual([
      'V5_3_3',
      '12.50(2,5ms)',
      '7.25',
      '100',
      '90',
      '0.0910',
    ]);
  });
});

describe('clusterList replica lag', () => {
  it('shows the worst lag of a master and a slave, "no slave" and "-" where there is none', () => {
    const master = {
      haRole: 'SYNC_MASTER',
      haMaster: 'true',
      haSlaveNums: '1',
      haReplicaLagBytes: '600',
      haReplicaLagMs: '2500',
    };
    expect(replicaLagCell(master)).toBe('600 B, 2.5 s');
    expect(replicaLagCell({ ...master, haSlaveNums: '0' })).toBe('no slave');
    const slave = {
      haRole: 'SLAVE',
      haMaster: 'false',
      haConnected: 'true',
      haReplicaLagBytes: '0',
      haReplicaLagMs: '0',
    };
    expect(replicaLagCell(slave)).toBe('0 B, 0.0 s');
    expect(replicaLagCell({ ...slave, haConnected: 'false' })).toBe('0 B, 0.0 s (disconnected)');
    expect(replicaLagCell({ brokerName: 'broker-a' })).toBe('-');
    expect(replicaLagCell(undefined)).toBe('-');
  });

  it('adds a column and a note for a slave that truncated diverged bytes', () => {
    const rows = [
      row('0', undefined),
      row('1', {
        haRole: 'SLAVE',
        haMaster: 'false',
        haConnected: 'true',
        haTruncatedBytes: '321',
        haLastTruncatedTimestamp: '1700000000000',
      }),
    ];
    expect(clusterListLines(rows)[0]).toEqual([
      '#Cluster Name',
      '#Broker Name',
      '#BID',
      '#Addr',
      '#Version',
      '#InTPS(LOAD)',
      '#OutTPS',
      '#InTotalToday',
      '#OutTotalToday',
      '#SPACE',
      '#Replica Lag',
    ]);
    expect(clusterListLines(rows)[1]).toEqual([
      'DefaultCluster',
      'broker-a',
      '0',
      '127.0.0.1:10910',
      ...['-', '-', '-', '-', '-', '-'],
      '-',
    ]);
    expect(truncationNotes(rows)).toEqual([
      'note: broker-a slave 1 (127.0.0.1:10911) truncated 321 bytes that had diverged from its master (last at 2023-11-14T22:13:20.000Z)',
    ]);
    expect(truncationNotes([row('1', { haTruncatedBytes: '0' })])).toEqual([]);
  });
});
