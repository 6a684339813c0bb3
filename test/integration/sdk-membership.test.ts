// A group of three push consumers, each in its own process, while messages keep coming: one
// member is killed (SIGKILL, so it neither unregisters nor commits) and another joins later.
// Every message is consumed by some member; none is lost (a redelivery after the kill is allowed,
// as in RocketMQ: at-least-once).
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { startProducer } from '../harness/sdk.js';
import { waitFor } from '../harness/topics.js';

const CHILD = fileURLToPath(new URL('../harness/consumer-child.ts', import.meta.url));
const children: ChildProcess[] = [];

const cluster = useCluster();
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Starts a member; resolves once it printed "ready". Bodies it receives go into `got`. */
function member(group: string, topic: string, got: Map<string, number>): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CHILD, cluster.namesrvAddr, group, topic],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.push(child);
  let buf = '';
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready') resolve(child);
        else if (line) got.set(line, (got.get(line) ?? 0) + 1);
      }
    });
    child.once('exit', (code) => reject(new Error(`consumer child exited early (${code})`)));
  });
}

describe('membership changes mid-stream', () => {
  it('consumes every message with a member killed and another added', async () => {
    const topic = uniqueName('Members');
    const group = uniqueName('MembersGroup');
    await cluster.createTopic(topic, 6);
    const got = new Map<string, number>();
    await Promise.all([0, 1, 2].map(() => member(group, topic, got)));
    const p = await startProducer(cluster.namesrvAddr);
    const N = 150;
    for (let i = 0; i < N; i++) {
      await p.send({ topic, body: `m${i}` });
      if (i === 50) children[1]!.kill('SIGKILL');
      if (i === 100) await member(group, topic, got);
      await new Promise((r) => setTimeout(r, 10));
    }
    await p.shutdown();
    // A killed member's queues move once the broker notices its closed connection.
    await waitFor(() => got.size >= N, 60_000, `all ${N} messages consumed`);
    const missing = Array.from({ length: N }, (_, i) => `m${i}`).filter((k) => !got.has(k));
    expect(missing).toEqual([]);
  }, 120_000);
});
