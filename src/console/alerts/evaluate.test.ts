import { describe, expect, it } from 'vitest';
import type { BrokerSnapshot, GroupSnapshot, Snapshot } from '../collect/snapshot-types.js';
import { type Alert, AlertEvaluator } from './evaluate.js';
import { parseAlertRules } from './rules.js';

const broker = (name: string, up = true, diskRatio = 0.5): BrokerSnapshot => ({
  cluster: 'C',
  brokerName: name,
  brokerId: 0,
  addr: `${name}:1`,
  up,
  inTps: 0,
  outTps: 0,
  putTotalToday: 0,
  getTotalToday: 0,
  diskRatio,
  replicaLagBytes: null,
  replicaLagMs: null,
  version: null,
});

const group = (name: string, g: Partial<GroupSnapshot> = {}): GroupSnapshot => ({
  group: name,
  onlineClients: 1,
  diff: 0,
  queues: 1,
  lagSeconds: 0,
  consumeTps: 0,
  consumedOffset: 0,
  topics: [],
  ...g,
});

const snap = (at: number, s: Partial<Snapshot>): Snapshot => ({
  at,
  namesrvAddr: 'ns',
  calls: 0,
  tookMs: 0,
  brokers: [],
  groups: [],
  topics: [],
  dlq: [],
  errors: [],
  ...s,
});

const rules = (...r: unknown[]) => parseAlertRules({ rules: r }).rules;

describe('AlertEvaluator', () => {
  it('goes pending, fires after forMs, and resolves; the listener hears firing and resolved', () => {
    const heard: Alert[] = [];
    const ev = new AlertEvaluator(
      rules({
        id: 'lag',
        type: 'consumerLag',
        target: 'G',
        unit: 'messages',
        threshold: 10,
        forMs: 1000,
      }),
      (a) => heard.push(a),
    );
    const at = (t: number, diff: number) =>
      ev.evaluate(snap(t, { groups: [group('G', { diff })] }));
    expect(at(0, 5)).toEqual([]);
    expect(at(100, 50).map((a) => a.state)).toEqual(['pending']);
    expect(at(600, 60).map((a) => a.state)).toEqual(['pending']);
    const fired = at(1100, 70);
    expect(fired).toMatchObject([{ state: 'firing', since: 100, firingSince: 1100, value: 70 }]);
    expect(at(2000, 80)).toMatchObject([{ state: 'firing', since: 100, value: 80 }]);
    expect(at(3000, 0)).toMatchObject([{ state: 'resolved', resolvedAt: 3000, value: 0 }]);
    expect(ev.active()).toEqual([]);
    expect(heard.map((a) => [a.state, a.value, a.threshold, a.target])).toEqual([
      ['firing', 70, 10, 'G'],
      ['resolved', 0, 10, 'G'],
    ]);
  });

  it('drops a pending alert quietly when the condition stops before forMs', () => {
    const heard: Alert[] = [];
    const ev = new AlertEvaluator(
      rules({ id: 'disk', type: 'diskRatio', target: '*', threshold: 0.8, forMs: 5000 }),
      (a) => heard.push(a),
    );
    expect(ev.evaluate(snap(0, { brokers: [broker('a', true, 0.9)] }))[0]?.state).toBe('pending');
    expect(ev.evaluate(snap(1000, { brokers: [broker('a', true, 0.7)] }))).toEqual([]);
    expect(heard).toEqual([]);
  });

  it('lag in seconds, every group with "*", and a group with no store time yet', () => {
    const ev = new AlertEvaluator(
      rules({ id: 's', type: 'consumerLag', target: '*', unit: 'seconds', threshold: 30 }),
    );
    const out = ev.evaluate(
      snap(0, {
        groups: [
          group('A', { lagSeconds: 31 }),
          group('B', { lagSeconds: 29 }),
          group('C', { lagSeconds: null, diff: 5 }),
        ],
      }),
    );
    expect(out.map((a) => [a.target, a.state])).toEqual([['A', 'firing']]);
  });

  it('no online consumer: fires at 0 clients, keeps its state when the count was not asked', () => {
    const ev = new AlertEvaluator(rules({ id: 'off', type: 'noOnlineConsumer', target: 'G' }));
    expect(ev.watchedGroups()).toEqual(['G']);
    expect(ev.evaluate(snap(0, { groups: [group('G', { onlineClients: 2 })] }))).toEqual([]);
    expect(ev.evaluate(snap(1, { groups: [group('G', { onlineClients: 0 })] }))[0]?.state).toBe(
      'firing',
    );
    expect(ev.evaluate(snap(2, { groups: [group('G', { onlineClients: null })] }))[0]?.state).toBe(
      'firing',
    );
    expect(ev.evaluate(snap(3, { groups: [group('G', { onlineClients: 1 })] }))[0]?.state).toBe(
      'resolved',
    );
  });

  it('DLQ growth compares max offsets with the previous snapshot', () => {
    const ev = new AlertEvaluator(
      rules({ id: 'dlq', type: 'dlqGrowth', target: '*', threshold: 0 }),
    );
    const dlq = (n: number) => [{ group: 'G', topic: '%DLQ%G', maxOffset: n }];
    const s0 = snap(0, { dlq: dlq(3) });
    const s1 = snap(1, { dlq: dlq(3) });
    const s2 = snap(2, { dlq: dlq(5) });
    const s3 = snap(3, { dlq: dlq(5) });
    expect(ev.evaluate(s0)).toEqual([]);
    expect(ev.evaluate(s1, s0)).toEqual([]);
    expect(ev.evaluate(s2, s1)).toMatchObject([{ state: 'firing', value: 2, target: 'G' }]);
    expect(ev.evaluate(s3, s2)).toMatchObject([{ state: 'resolved', value: 0 }]);
  });

  it('broker down: a broker seen before that fails or goes missing', () => {
    const ev = new AlertEvaluator(
      rules({ id: 'down', type: 'brokerDown', target: '*' }),
      () => {},
      10_000,
    );
    expect(ev.evaluate(snap(0, { brokers: [broker('a'), broker('b')] }))).toEqual([]);
    expect(ev.evaluate(snap(1, { brokers: [broker('a'), broker('b', false)] }))).toMatchObject([
      { target: 'b/0', state: 'firing' },
    ]);
    expect(ev.evaluate(snap(2, { brokers: [broker('b')] }))).toMatchObject([
      { target: 'a/0', state: 'firing' },
      { target: 'b/0', state: 'resolved' },
    ]);
    // Forgotten once missing longer than brokerForgetMs: resolved, then silent.
    expect(ev.evaluate(snap(20_000, { brokers: [broker('b')] }))).toMatchObject([
      { target: 'a/0', state: 'resolved' },
    ]);
    expect(ev.evaluate(snap(20_001, { brokers: [broker('b')] }))).toEqual([]);
  });

  it('a disabled rule is not evaluated, and a removed rule drops its alerts', () => {
    const ev = new AlertEvaluator(
      rules(
        { id: 'd', type: 'diskRatio', target: '*', threshold: 0.1 },
        { id: 'x', type: 'diskRatio', target: '*', threshold: 0.1, enabled: false },
      ),
    );
    expect(ev.evaluate(snap(0, { brokers: [broker('a')] })).map((a) => a.rule)).toEqual(['d']);
    ev.setRules([]);
    expect(ev.active()).toEqual([]);
  });
});
