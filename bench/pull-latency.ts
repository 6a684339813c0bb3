// Pull latency with and without a full send load on the same broker: does appending to the
// commit log stall other connections? Starts a real name server and broker (built dist/), fills
// a queue, then times non-suspended PULL_MESSAGE round trips idle and while producers pipeline
// 1 KiB sends to other queues. Prints a markdown table.
//   npx tsx bench/pull-latency.ts [--pulls 5000] [--inflight 256] [--tiny]

import { spawn } from 'node:child_process';
import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { silentLogger } from '../src/common/logger.js';
import { encodeProperties } from '../src/message/properties-codec.js';
import { createRequest } from '../src/protocol/remoting-command.js';
import { RequestCode } from '../src/protocol/request-code.js';
import { RemotingClient } from '../src/remoting/remoting-client.js';
import { startBroker, startNamesrv } from '../test/harness/processes.js';
import { pullHeader, sendV2Header } from '../test/harness/raw-protocol.js';
import { createTopic } from '../test/harness/topics.js';

export interface PullLatencyRow {
  scenario: string;
  pulls: number;
  p50Us: number;
  p99Us: number;
  p999Us: number;
  sendsPerSec: number;
}

const LOAD_SCRIPT = fileURLToPath(new URL('./load-producer.ts', import.meta.url));

async function waitForLine(out: string[], prefix: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!out.join('').includes(prefix)) {
    if (Date.now() > deadline) throw new Error(`load producer did not print '${prefix}'`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const us = (h: RecordableHistogram, p: number) => Math.round(h.percentile(p) / 1000);

export async function runPullLatencyBench(opts: {
  pulls: number;
  inflight: number;
}): Promise<PullLatencyRow[]> {
  const namesrv = await startNamesrv();
  const broker = await startBroker({ namesrvAddr: namesrv.addr });
  const client = new RemotingClient(silentLogger());
  try {
    const topic = 'PullLatency';
    await createTopic(broker.addr, namesrv.addr, topic, 4);
    const fill = 1_000;
    for (let i = 0; i < fill; i++) {
      await client.invoke(
        broker.addr,
        createRequest(
          RequestCode.SEND_MESSAGE_V2,
          0,
          sendV2Header(topic, 0, encodeProperties({})),
          Buffer.alloc(1024, 98),
        ),
      );
    }
    const pullLoop = async (n: number): Promise<RecordableHistogram> => {
      const h = createHistogram();
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        const r = await client.invoke(
          broker.addr,
          createRequest(
            RequestCode.PULL_MESSAGE,
            0,
            pullHeader('lat', topic, 0, i % fill, { maxMsgNums: 1 }),
          ),
        );
        h.record(Math.max(1, Math.round((performance.now() - t) * 1e6)));
        if (r.code !== 0) throw new Error(`pull failed: ${r.code} ${r.remark ?? ''}`);
      }
      return h;
    };
    const idle = await pullLoop(opts.pulls);
    // The load runs in another process so this one only measures.
    const load = spawn(
      process.execPath,
      ['--import', 'tsx', LOAD_SCRIPT, namesrv.addr, topic, String(opts.inflight)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const out: string[] = [];
    load.stdout.setEncoding('utf8').on('data', (d: string) => out.push(d));
    await waitForLine(out, 'ready', 30_000);
    await new Promise((r) => setTimeout(r, 500)); // let the load reach steady state
    const loaded = await pullLoop(opts.pulls);
    load.kill('SIGTERM');
    await waitForLine(out, 'sent ', 30_000);
    const [, n, ms] = /sent (\d+) (\d+)/.exec(out.join(''))!;
    const sendsPerSec = Math.round((Number(n) * 1000) / Number(ms));
    return [
      {
        scenario: 'idle broker',
        pulls: opts.pulls,
        p50Us: us(idle, 50),
        p99Us: us(idle, 99),
        p999Us: us(idle, 99.9),
        sendsPerSec: 0,
      },
      {
        scenario: `${opts.inflight} sends in flight`,
        pulls: opts.pulls,
        p50Us: us(loaded, 50),
        p99Us: us(loaded, 99),
        p999Us: us(loaded, 99.9),
        sendsPerSec,
      },
    ];
  } finally {
    client.close();
    await broker.stop();
    await namesrv.stop();
  }
}

export function formatRows(rows: PullLatencyRow[]): string {
  const head =
    '| scenario | pulls | pull p50 µs | pull p99 µs | pull p99.9 µs | sends/s meanwhile |\n| --- | --- | --- | --- | --- | --- |';
  return [
    head,
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.pulls} | ${r.p50Us} | ${r.p99Us} | ${r.p999Us} | ${r.sendsPerSec} |`,
    ),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { pulls: { type: 'string' }, inflight: { type: 'string' }, tiny: { type: 'boolean' } },
  });
  const pulls = values.tiny ? 200 : Number(values.pulls ?? 5_000);
  const inflight = values.tiny ? 16 : Number(values.inflight ?? 256);
  console.error(`pull latency: ${pulls} pulls idle, then under ${inflight} sends in flight…`);
  console.log(formatRows(await runPullLatencyBench({ pulls, inflight })));
}
