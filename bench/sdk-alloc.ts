// Bytes the SDK producer allocates per send. Starts a real name server and broker from dist/, runs
// a Producer (dist/ too, what an application runs) in this process, warms it up, then samples
// every allocation with node:inspector's HeapProfiler, objects already collected by minor and
// major GCs included (garbage is what this measures), while N sends run with K in flight.
// Prints bytes per send and the top allocation sites (function, file:line, bytes per send).
//   npm run bench:sdk-alloc -- [--sends 100000] [--inflight 1000] [--body 1024] [--top 15]
//   [--tiny]
import { existsSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Producer as ProducerClass } from '../src/client/producer.js';
import { silentLogger } from '../src/common/logger.js';
import { startBroker, startNamesrv } from '../test/harness/processes.js';
import { createTopic } from '../test/harness/topics.js';

export interface AllocSite {
  site: string;
  bytesPerSend: number;
}

export interface AllocResult {
  sends: number;
  inflight: number;
  bytesPerSend: number;
  /** Of bytesPerSend, what this script's own send loop (its await per send) allocated. */
  loopBytesPerSend: number;
  sites: AllocSite[];
}

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

const PRODUCER_JS = new URL('../dist/client/producer.js', import.meta.url);
/** Small enough that a 1 KB-per-send difference is many samples; large enough to stay cheap. */
const SAMPLING_INTERVAL_BYTES = 1024;

/** Self bytes by site over the whole sampled tree. */
function sitesOf(head: ProfileNode): Map<string, number> {
  const out = new Map<string, number>();
  const stack = [head];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.selfSize > 0) {
      const f = n.callFrame;
      const file = f.url ? basename(f.url.startsWith('file:') ? fileURLToPath(f.url) : f.url) : '';
      const site = `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
      out.set(site, (out.get(site) ?? 0) + n.selfSize);
    }
    for (const c of n.children) stack.push(c);
  }
  return out;
}

async function pump(p: ProducerClass, topic: string, n: number, k: number, body: Buffer) {
  let left = n;
  const worker = async () => {
    while (left > 0) {
      left--;
      await p.send({ topic, body });
    }
  };
  await Promise.all(Array.from({ length: Math.min(k, n) }, worker));
}

export async function runSdkAlloc(opts: {
  sends: number;
  inflight: number;
  bodyBytes?: number;
  top?: number;
}): Promise<AllocResult> {
  if (!existsSync(PRODUCER_JS)) throw new Error('dist/ is missing: run npm run build first');
  const { Producer } = (await import(
    PRODUCER_JS.href
  )) as typeof import('../src/client/producer.js');
  const namesrv = await startNamesrv();
  const broker = await startBroker({ namesrvAddr: namesrv.addr });
  const session = new Session();
  let producer: ProducerClass | undefined;
  try {
    const topic = 'SdkAlloc';
    await createTopic(broker.addr, namesrv.addr, topic, 8);
    producer = new Producer({
      namesrvAddr: namesrv.addr,
      producerGroup: 'SdkAllocPG',
      logger: silentLogger(),
    });
    await producer.start();
    const body = Buffer.alloc(opts.bodyBytes ?? 1024, 97);
    // Warm-up: route cached, connection open, code optimized.
    await pump(producer, topic, Math.min(opts.sends, 20_000), opts.inflight, body);
    session.connect();
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: SAMPLING_INTERVAL_BYTES,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    await pump(producer, topic, opts.sends, opts.inflight, body);
    const { profile } = await session.post('HeapProfiler.stopSampling');
    const sites = sitesOf(profile.head as unknown as ProfileNode);
    let total = 0;
    let loop = 0;
    for (const [site, v] of sites) {
      total += v;
      if (site.includes(' sdk-alloc.')) loop += v;
    }
    const top = [...sites.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, opts.top ?? 15)
      .map(([site, bytes]) => ({ site, bytesPerSend: bytes / opts.sends }));
    return {
      sends: opts.sends,
      inflight: opts.inflight,
      bytesPerSend: total / opts.sends,
      loopBytesPerSend: loop / opts.sends,
      sites: top,
    };
  } finally {
    session.disconnect();
    await producer?.shutdown().catch(() => {});
    await broker.stop();
    await namesrv.stop();
  }
}

export function formatAlloc(r: AllocResult): string {
  return [
    `${r.sends} sends, ${r.inflight} in flight: ${Math.round(r.bytesPerSend)} B allocated per send`,
    `(of which this script's send loop: ${Math.round(r.loopBytesPerSend)} B)`,
    '',
    '| site | B per send |',
    '| --- | ---: |',
    ...r.sites.map((s) => `| ${s.site} | ${Math.round(s.bytesPerSend)} |`),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      sends: { type: 'string' },
      inflight: { type: 'string' },
      body: { type: 'string' },
      top: { type: 'string' },
      tiny: { type: 'boolean' },
    },
  });
  const sends = values.tiny ? 2_000 : Number(values.sends ?? 100_000);
  const inflight = values.tiny ? 50 : Number(values.inflight ?? 1_000);
  console.error(`sdk alloc: ${sends} sends, ${inflight} in flight…`);
  const r = await runSdkAlloc({
    sends,
    inflight,
    bodyBytes: Number(values.body ?? 1024),
    top: Number(values.top ?? 15),
  });
  console.log(formatAlloc(r));
}
