// kill -9 of a broker in the middle of 20,000 topic creates: every create that was answered
// is there after the restart, topics.json is whole JSON at every point (the snapshot RocketMQ
// tools read; the creates since live in topics.json.log), and the restart folds the log into it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/client/admin.js';
import { silentLogger } from '../../src/common/logger.js';
import { decodeTopicConfigTable } from '../../src/protocol/bodies/topic-config-wrapper.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';

const cluster = useCluster();
// Past TOPIC_CONFIG_LOG_MIN_COMPACT_BYTES (~17,000 creates): topics.json is rewritten in the
// background on the way, and the log rebased.
const CREATES = 20_000;
const KILL_AFTER = 19_000;
const CONCURRENCY = 16;

function topicsJson(): Record<string, { readQueueNums: number }> {
  const text = readFileSync(join(cluster.storeDir, 'config', 'topics.json'), 'utf8');
  return (JSON.parse(text) as { topicConfigTable: Record<string, { readQueueNums: number }> })
    .topicConfigTable;
}

describe('topic configs across kill -9', () => {
  it('keeps every answered create, and topics.json stays valid JSON', async () => {
    const prefix = uniqueName('Crash');
    const admin = new AdminClient({ namesrvAddr: cluster.namesrvAddr, logger: silentLogger() });
    const acked: string[] = [];
    let next = 0;
    let killing: Promise<unknown> | undefined;
    try {
      const worker = async () => {
        while (next < CREATES && !killing) {
          const name = `${prefix}_${next++}`;
          try {
            await admin.createTopic({
              topic: name,
              brokerAddr: cluster.brokerAddr,
              readQueueNums: 8,
              writeQueueNums: 8,
            });
          } catch {
            return; // the broker is gone: this one was never answered
          }
          acked.push(name);
          // Killed while the other workers' creates are still in flight.
          if (acked.length === KILL_AFTER) killing = cluster.broker.kill();
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      await killing;
    } finally {
      admin.close();
    }
    expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER);
    // Whole JSON after the crash: the snapshot, not necessarily holding the latest creates.
    expect(() => topicsJson()).not.toThrow();

    await cluster.broker.restart();
    const res = await cluster.raw.call(RequestCode.GET_ALL_TOPIC_CONFIG, {});
    expect(res.code).toBe(ResponseCode.SUCCESS);
    const served = new Set(Object.keys(decodeTopicConfigTable(res.body)));
    const lost = acked.filter((t) => !served.has(t));
    expect(lost).toEqual([]);
    // The restart wrote the replayed creates into topics.json.
    const file = topicsJson();
    expect(acked.filter((t) => !(t in file))).toEqual([]);
    expect(file[acked[0]!]?.readQueueNums).toBe(8);
    console.info(`kill -9 after ${acked.length} answered creates of ${CREATES}: none lost`);
  }, 240_000);
});
