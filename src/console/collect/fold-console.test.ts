// The masters' one-call summaries folded into the snapshot: online clients are the most any master
// counts, topic offsets sum over masters, a master without the request falls back to its consume
// stats (and is noted), and a topic's rate waits while the set of masters reporting it changes.
import { describe, expect, it } from 'vitest';
import type { BrokerConsoleSnapshot } from '../../protocol/bodies/console-snapshot.js';
import { decodeConsumeStatsList } from '../../protocol/bodies/consume-stats-list.js';
import { foldConsoleAnswers, unsupportedNote } from './fold-console.js';
import { groupRows, topicRows } from './snapshot.js';
import type { Snapshot } from './snapshot-types.js';

const summary = (
  groups: Record<string, number>,
  topics: Record<string, number>,
): BrokerConsoleSnapshot => ({
  brokerAddr: 'x',
  brokerName: 'x',
  groupTable: Object.fromEntries(Object.entries(groups).map(([g, n]) => [g, { onlineClients: n }])),
  topicTable: Object.fromEntries(
    Object.entries(topics).map(([t, n]) => [t, { maxOffset: n, queueNums: 4 }]),
  ),
});

// broker-c's consume stats: group G3 has offsets on topic T (queues 0 and 1: 5 + 7).
const statsOfC = decodeConsumeStatsList(
  Buffer.from(
    '{"brokerAddr":"c:1","consumeStatsList":[{"G3":[{"consumeTps":0.0,"offsetTable":{' +
      '{"brokerName":"broker-c","queueId":0,"topic":"T"}:' +
      '{"brokerOffset":5,"consumerOffset":5,"lastTimestamp":1,"pullOffset":5},' +
      '{"brokerName":"broker-c","queueId":1,"topic":"T"}:' +
      '{"brokerOffset":7,"consumerOffset":2,"lastTimestamp":1,"pullOffset":2}}}]}],' +
      '"totalDiff":5,"totalInflightDiff":0}',
  ),
);

describe('folding the console summaries', () => {
  const fold = foldConsoleAnswers(
    [
      { addr: 'a:1', brokerName: 'broker-a', answer: summary({ G1: 2, Idle: 0 }, { T: 10, U: 3 }) },
      { addr: 'b:1', brokerName: 'broker-b', answer: summary({ G1: 3, G2: 1 }, { T: 20 }) },
      { addr: 'c:1', brokerName: 'broker-c', answer: undefined },
      { addr: 'd:1', brokerName: 'broker-d', answer: new Error('timeout') },
    ],
    [{ addr: 'c:1', list: statsOfC }],
    1000,
  );

  it('takes the most clients any master counts, and sums topics over masters', () => {
    expect(Object.fromEntries(fold.online)).toEqual({ G1: 3, Idle: 0, G2: 1 });
    // T: 10 + 20 from the summaries, 12 from broker-c's consume stats.
    expect(Object.fromEntries(fold.topicMax)).toEqual({ T: 42, U: 3 });
    expect(Object.fromEntries(fold.topicReporters)).toEqual({ T: 3, U: 1 });
    expect(fold.unsupported).toEqual(['c:1']);
    expect([...fold.answered.keys()]).toEqual(['a:1', 'b:1']);
  });

  it('notes an Apache RocketMQ master once, calmly, and nothing when there is none', () => {
    expect(unsupportedNote([])).toEqual([]);
    const notes = unsupportedNote(fold.unsupported);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^c:1 answers no KITEMQ_GET_BROKER_CONSOLE_SNAPSHOT/);
  });

  it('gives a row to a group with clients and no offsets, null to one nobody counted', () => {
    const acc = new Map([
      [
        'Offsets',
        {
          diff: 1,
          queues: 1,
          consumed: 4,
          lagMs: 0,
          topics: new Set(['T']),
          brokers: new Set(['e:1']),
        },
      ],
    ]);
    const rows = groupRows(acc, fold.online, undefined, 0);
    expect(rows.map((r) => [r.group, r.onlineClients, r.queues])).toEqual([
      ['G1', 3, 0],
      ['G2', 1, 0],
      ['Idle', 0, 0],
      ['Offsets', null, 1],
    ]);
  });

  it('derives a topic rate from two refreshes by the same masters, none when they change', () => {
    const prev = (topics: Snapshot['topics']) => ({ at: 0, topics }) as unknown as Snapshot;
    const now = {
      topicMax: new Map([
        ['T', 42],
        ['U', 3],
      ]),
      topicReporters: new Map([
        ['T', 3],
        ['U', 1],
      ]),
    };
    const names = new Set(['T', 'U', 'Silent']);
    const before = prev([
      { topic: 'T', maxOffset: 32, inTps: 0, reportedBy: 3 },
      { topic: 'U', maxOffset: 1, inTps: 0, reportedBy: 2 },
    ]);
    expect(topicRows(names, now, before, 2)).toEqual([
      { topic: 'Silent' },
      { topic: 'T', maxOffset: 42, inTps: 5, reportedBy: 3 },
      { topic: 'U', maxOffset: 3, inTps: 0, reportedBy: 1 },
    ]);
    expect(topicRows(names, now, undefined, 0)[1]).toMatchObject({ inTps: 0 });
  });
});
