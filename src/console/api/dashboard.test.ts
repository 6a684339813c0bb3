import { describe, expect, it } from 'vitest';
import { brokerFrom } from '../collect/snapshot.js';
import type { Snapshot } from '../collect/snapshot-types.js';
import { dashboardOf } from './dashboard.js';

const ref = { cluster: 'DefaultCluster', brokerName: 'broker-a', brokerId: 0, addr: '127.0.0.1:1' };

function snapshot(topics: Snapshot['topics']): Snapshot {
  return {
    at: 1,
    namesrvAddr: '127.0.0.1:9876',
    calls: 0,
    tookMs: 0,
    brokers: [brokerFrom(ref, { putTps: '3.0 3.0 3.0' })],
    groups: [],
    topics,
    dlq: [],
    errors: [],
  };
}

describe('dashboardOf', () => {
  it("ranks the operators' topics by intake and leaves the broker's own out", () => {
    const d = dashboardOf(
      snapshot([
        { topic: 'SCHEDULE_TOPIC_XXXX', maxOffset: 90, inTps: 9 },
        { topic: 'DefaultCluster', maxOffset: 80, inTps: 8 },
        { topic: 'broker-a', maxOffset: 70, inTps: 7 },
        { topic: 'Orders', maxOffset: 10, inTps: 1.234 },
        { topic: 'Payments', maxOffset: 20, inTps: 2 },
        { topic: 'Idle', maxOffset: 5, inTps: 0 },
        { topic: 'Unreported' },
      ]),
    );
    expect(d.topTopics).toEqual([
      { topic: 'Payments', inTps: 2 },
      { topic: 'Orders', inTps: 1.23 },
    ]);
  });
});
