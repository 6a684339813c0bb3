import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TpsHistory } from './history.js';
import { dayOf } from './history-files.js';
import { downsample } from './ring.js';
import type { Snapshot } from './snapshot-types.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-10T12:00:00.000Z');
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'kite-history-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function snap(at: number, inTps: number, topics: Record<string, number> = {}): Snapshot {
  return {
    at,
    namesrvAddr: 'ns',
    calls: 0,
    tookMs: 0,
    brokers: [
      {
        cluster: 'C',
        brokerName: 'broker-a',
        brokerId: 0,
        addr: 'a:1',
        up: true,
        inTps,
        outTps: inTps / 2,
        putTotalToday: 0,
        getTotalToday: 0,
        diskRatio: 0.5,
        replicaLagBytes: null,
        replicaLagMs: null,
        version: null,
      },
    ],
    groups: [],
    topics: Object.entries(topics).map(([topic, tps]) => ({ topic, inTps: tps, maxOffset: 0 })),
    dlq: [],
    errors: [],
  };
}

describe('TpsHistory', () => {
  it('keeps a bounded ring per series and answers a time range', () => {
    const h = new TpsHistory({ dataDir: tempDir(), maxPoints: 5, diskIntervalMs: 60_000 }, T0);
    for (let i = 0; i < 8; i++) h.record(snap(T0 + i * 1000, i));
    const pts = h.series({ key: 'broker.in:broker-a', from: T0 + 3000 });
    expect(pts.map((p) => p.value)).toEqual([3, 4, 5, 6, 7]);
    expect(h.series({ key: 'cluster.out', from: T0 + 6000 }).map((p) => p.value)).toEqual([3, 3.5]);
    expect(h.series({ key: 'no:such', from: T0 })).toEqual([]);
  });

  it('keeps only the busiest topics, and a bounded number of series', () => {
    const h = new TpsHistory({ dataDir: tempDir(), topN: 2, maxSeries: 6 }, T0);
    h.record(snap(T0, 1, { a: 5, b: 1, c: 9, idle: 0 }));
    expect(h.keys().filter((k) => k.startsWith('topic.in:'))).toEqual(['topic.in:a', 'topic.in:c']);
    h.record(snap(T0 + 1000, 1, { d: 7, e: 8 }));
    expect(h.keys()).toHaveLength(6);
    expect(h.keys()).toContain('topic.in:e');
  });

  it('restores its series from the day files after a restart', () => {
    const dir = tempDir();
    const h = new TpsHistory({ dataDir: dir, diskIntervalMs: 10_000 }, T0);
    for (let i = 0; i <= 30; i++) h.record(snap(T0 + i * 1000, 10));
    h.flush();
    const again = new TpsHistory({ dataDir: dir, diskIntervalMs: 10_000 }, T0 + 60_000);
    const pts = again.series({ key: 'broker.in:broker-a' });
    expect(pts.length).toBeGreaterThanOrEqual(3);
    expect(pts.every((p) => p.value === 10)).toBe(true);
    expect(pts.at(-1)!.at).toBe(T0 + 30_000);
  });

  it('skips a torn last line, and the next line after it still reads back', () => {
    const dir = tempDir();
    const h = new TpsHistory({ dataDir: dir, diskIntervalMs: 1000 }, T0);
    h.record(snap(T0, 1));
    h.record(snap(T0 + 1000, 2));
    h.flush();
    const file = join(dir, 'history', `tps-${dayOf(T0)}.jsonl`);
    appendFileSync(file, '{"at":123,"v":{"cluster.i'); // the crash cut this line short
    const again = new TpsHistory({ dataDir: dir, diskIntervalMs: 1000 }, T0 + 5000);
    expect(again.files.skippedLines).toBe(1);
    expect(again.series({ key: 'cluster.in' }).map((p) => p.value)).toEqual([1, 2]);
    again.record(snap(T0 + 6000, 3));
    again.record(snap(T0 + 7000, 4));
    again.flush();
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines.filter((l) => l.startsWith('{"at":') && l.endsWith('}'))).toHaveLength(4);
    const third = new TpsHistory({ dataDir: dir }, T0 + 10_000);
    expect(third.series({ key: 'cluster.in' }).map((p) => p.value)).toEqual([1, 2, 3, 4]);
  });

  it('reads the day files for times older than memory holds', () => {
    const dir = tempDir();
    const h = new TpsHistory({ dataDir: dir, maxPoints: 3, diskIntervalMs: 1000 }, T0);
    for (let i = 0; i < 10; i++) h.record(snap(T0 + i * 1000, i));
    const pts = h.series({ key: 'cluster.in', from: T0, maxPoints: 100 });
    expect(pts.map((p) => p.value)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('deletes day files past the retention at start', () => {
    const dir = tempDir();
    const old = new TpsHistory({ dataDir: dir, diskIntervalMs: 1 }, T0 - 8.5 * DAY);
    old.record(snap(T0 - 8.5 * DAY, 1));
    old.flush();
    const recent = new TpsHistory({ dataDir: dir, diskIntervalMs: 1 }, T0 - DAY);
    recent.record(snap(T0 - DAY, 2));
    recent.flush();
    expect(recent.files.days()).toHaveLength(2);
    writeFileSync(join(dir, 'history', 'unrelated.txt'), 'kept');
    const now = new TpsHistory({ dataDir: dir, retentionDays: 7 }, T0);
    expect(now.files.days()).toEqual([dayOf(T0 - DAY)]);
    expect(now.series({ key: 'cluster.in' }).map((p) => p.value)).toEqual([2]);
  });
});

describe('downsample', () => {
  const pts = Array.from({ length: 100 }, (_, i) => ({ at: i * 10, value: i }));

  it('returns the points unchanged when there are few enough', () => {
    expect(downsample(pts.slice(0, 5), 10)).toEqual(pts.slice(0, 5));
  });

  it('averages equal time buckets down to maxPoints', () => {
    const out = downsample(pts, 10);
    expect(out).toHaveLength(10);
    expect(out[0]).toEqual({ at: 90, value: 4.5 });
    expect(out.at(-1)).toEqual({ at: 990, value: 94.5 });
    const mean = (xs: { value: number }[]) => xs.reduce((s, p) => s + p.value, 0) / xs.length;
    expect(mean(out)).toBeCloseTo(mean(pts));
  });
});
