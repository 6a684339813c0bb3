// topics.json plus its change log: a create appends a line (topics.json is not rewritten), a
// restart replays the log, a torn tail is dropped, damage before good lines stops the broker, a
// log that predates the snapshot is ignored, and the log is folded into topics.json once it
// outgrows it.
import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseBrokerConfig } from '../../common/config/broker-config.js';
import { ConfigError } from '../../common/errors.js';
import { TOPIC_CONFIG_LOG_MIN_COMPACT_BYTES } from '../../common/limits.js';
import { silentLogger } from '../../common/logger.js';
import {
  newTopicConfig,
  snapshotChunks,
  type TopicConfig,
  TopicConfigManager,
} from './topic-config-manager.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function store(): string {
  const d = mkdtempSync(join(tmpdir(), 'kitemq-topic-log-'));
  dirs.push(d);
  return d;
}

function open(root: string): TopicConfigManager {
  const { config } = parseBrokerConfig('', 'broker.conf', { storePathRootDir: root });
  const m = new TopicConfigManager(config, silentLogger());
  m.load();
  return m;
}

const paths = (root: string) => ({
  json: join(root, 'config', 'topics.json'),
  log: join(root, 'config', 'topics.json.log'),
});

const userTopics = (m: TopicConfigManager) =>
  m
    .all()
    .map((t) => t.topicName)
    .filter((n) => /^T\d/.test(n))
    .sort();

describe('TopicConfigManager persistence through topics.json.log', () => {
  it('appends a create to the log without rewriting topics.json; a restart replays it', async () => {
    const root = store();
    const m = open(root);
    const p = paths(root);
    const snapshot = readFileSync(p.json, 'utf8');
    m.createOrUpdate(newTopicConfig('T1', 8));
    m.createOrUpdate(newTopicConfig('T2', 4));
    m.delete('T1');
    await m.durable();
    expect(readFileSync(p.json, 'utf8')).toBe(snapshot);
    expect(readFileSync(p.log, 'utf8').trim().split('\n')).toHaveLength(4); // header + 3
    const version = m.dataVersion;
    // No close(): as after kill -9.
    const again = open(root);
    expect(userTopics(again)).toEqual(['T2']);
    expect(again.get('T2')?.readQueueNums).toBe(4);
    expect(again.dataVersion).toEqual(version);
    // The start folded the log in: topics.json (what RocketMQ tools read) is current.
    const file = JSON.parse(readFileSync(p.json, 'utf8')) as {
      topicConfigTable: Record<string, unknown>;
    };
    expect(Object.keys(file.topicConfigTable)).toContain('T2');
    expect(Object.keys(file.topicConfigTable)).not.toContain('T1');
  });

  it('drops a torn last line and keeps every complete one', () => {
    const root = store();
    const m = open(root);
    m.createOrUpdate(newTopicConfig('T1', 8));
    m.createOrUpdate(newTopicConfig('T2', 8));
    const p = paths(root);
    appendFileSync(p.log, '{"v":{"counter":99,"timestamp":1,"stateVersion":0},"put":{"topicN');
    const again = open(root);
    expect(userTopics(again)).toEqual(['T1', 'T2']);
    expect(again.dataVersion.counter).toBe(m.dataVersion.counter);
  });

  it('stops the broker when a line before good ones is damaged', () => {
    const root = store();
    const m = open(root);
    m.createOrUpdate(newTopicConfig('T1', 8));
    m.createOrUpdate(newTopicConfig('T2', 8));
    const p = paths(root);
    const lines = readFileSync(p.log, 'utf8').split('\n');
    lines[1] = `${lines[1]!.slice(0, 20)}#`;
    writeFileSync(p.log, lines.join('\n'));
    expect(() => open(root)).toThrow(ConfigError);
  });

  it('ignores a log whose header names another snapshot (it is already folded in)', () => {
    const root = store();
    const m = open(root);
    m.createOrUpdate(newTopicConfig('T1', 8));
    const p = paths(root);
    const oldLog = readFileSync(p.log, 'utf8');
    m.delete('T1');
    m.persist(); // topics.json without T1, a new log
    writeFileSync(p.log, oldLog); // as if the crash came before the new log was started
    expect(userTopics(open(root))).toEqual([]);
  });

  it('rewrites topics.json in the background once the log outgrows it, not on every change', async () => {
    const root = store();
    const m = open(root);
    const p = paths(root);
    let rewrites = 0;
    let last = statSync(p.json).ino;
    const n = Math.ceil(TOPIC_CONFIG_LOG_MIN_COMPACT_BYTES / 150);
    for (let i = 0; i < n; i++) {
      m.createOrUpdate(newTopicConfig(`T${i}`, 8));
      // Let a rewrite in progress finish now and then, as the event loop would.
      if (i % 1000 === 0) await m.compacted();
      const now = statSync(p.json).ino;
      if (now !== last) rewrites++;
      last = now;
    }
    await m.compacted();
    expect(rewrites).toBeGreaterThanOrEqual(1);
    expect(rewrites).toBeLessThanOrEqual(3);
    expect(statSync(p.log).size).toBeLessThanOrEqual(TOPIC_CONFIG_LOG_MIN_COMPACT_BYTES + 1024);
    // The creates made while topics.json was being written stayed in the rebased log.
    expect(userTopics(open(root))).toHaveLength(n);
  });

  it('replays only what follows the snapshot when the log was not rebased yet (crash)', async () => {
    const root = store();
    const m = open(root);
    const p = paths(root);
    const base = m.dataVersion;
    m.createOrUpdate(newTopicConfig('T1', 8));
    const v1 = m.dataVersion;
    m.createOrUpdate(newTopicConfig('T2', 8));
    const v2 = m.dataVersion;
    m.persist(); // topics.json at v2
    m.delete('T1');
    m.createOrUpdate(newTopicConfig('T3', 8));
    await m.durable();
    // The log as it was before the rebase: from the old snapshot on, through v2 and after.
    const after = readFileSync(p.log, 'utf8').split('\n').slice(1).join('\n');
    const line = (v: unknown, put: unknown) => JSON.stringify({ v, put });
    writeFileSync(
      p.log,
      `${JSON.stringify({ base })}\n${line(v1, newTopicConfig('T1', 8))}\n` +
        `${line(v2, newTopicConfig('T2', 8))}\n${after}`,
    );
    const again = open(root);
    expect(userTopics(again)).toEqual(['T2', 'T3']);
    expect(again.dataVersion).toEqual(m.dataVersion);
  });
});

describe('snapshotChunks', () => {
  it('writes what JSON.stringify(file, null, 2) writes, across pieces and for an empty table', () => {
    const dataVersion = { counter: 3, stateVersion: 0, timestamp: 1700000000000 };
    for (const n of [0, 1, 4500]) {
      const table = new Map<string, TopicConfig>();
      for (let i = 0; i < n; i++) {
        const attributes: Record<string, string> = i % 2 ? { '+a': 'b' } : {};
        const tc: TopicConfig = { ...newTopicConfig(`T${i}`, 8), attributes };
        table.set(`T${i}`, tc);
      }
      const text = [...snapshotChunks(dataVersion, table)].join('');
      const expected = JSON.stringify(
        { dataVersion, topicConfigTable: Object.fromEntries(table) },
        null,
        2,
      );
      expect(text).toBe(expected);
    }
  });
});
