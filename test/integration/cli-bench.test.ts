// kitemq bench producer|consumer|e2e against a real cluster: each prints its summary line with
// the histogram's percentiles (progress goes to stderr). No timing is asserted.
import { describe, expect, it } from 'vitest';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { runBin } from '../harness/run-bin.js';

const cluster = useCluster();

describe('kitemq bench', () => {
  it('runs producer, consumer and e2e and prints their summaries', async () => {
    const topic = uniqueName('CliBench');
    await cluster.createTopic(topic, 4);
    const common = ['-n', cluster.namesrvAddr, '-t', topic, '-s', '512'];
    const p = await runBin('kitemq', [
      'bench',
      'producer',
      ...common,
      '-w',
      '16',
      '--count',
      '300',
    ]);
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(
      /producer: 3\d\d messages in .* msg\/s; latency p50 .* p99\.9 .* errors 0/,
    );
    const c = await runBin('kitemq', ['bench', 'consumer', ...common, '--count', '300']);
    expect(c.code).toBe(0);
    expect(c.stdout).toMatch(/consumer: 3\d\d messages in/);
    const e = await runBin('kitemq', [
      'bench',
      'e2e',
      ...common,
      '--rate',
      '200',
      '--duration',
      '1',
    ]);
    expect(e.code).toBe(0);
    expect(e.stdout).toMatch(/e2e: sent 200, acked 200, received 200, lost 0/);
    expect(e.stdout).toMatch(/durability: the cluster's flushDiskType/);
    const bad = await runBin('kitemq', ['bench', 'nonsense']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/unknown bench 'nonsense'/);
    const syncWithN = await runBin('kitemq', ['bench', 'producer', ...common, '--sync-flush']);
    expect(syncWithN.code).toBe(1);
    expect(syncWithN.stderr).toMatch(/--sync-flush sets the flushDiskType of the broker bench/);
  }, 60_000);

  it('starts its own SYNC_FLUSH broker without -n and removes it after', async () => {
    const args = ['bench', 'producer', '--sync-flush', '-w', '8', '--count', '100'];
    const p = await runBin('kitemq', args);
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(/producer: 100 messages in .* errors 0/);
    expect(p.stdout).toMatch(/durability: SYNC_FLUSH \(bench's own broker, pid (\d+)\)/);
    const pid = Number(/pid (\d+)/.exec(p.stdout)![1]);
    expect(() => process.kill(pid, 0)).toThrow();
    const c = await runBin('kitemq', ['bench', 'consumer', '--count', '100']);
    expect(c.code).toBe(0);
    expect(c.stdout).toMatch(/consumer: 100 messages in/);
  }, 60_000);
});
