// The console "at scale" (issue 15): with 1,000 topics and 200 groups with offsets on one broker,
// how long one console snapshot takes (collectSnapshot: name server, runtime info, every group's
// consume stats, every group's online clients and topic's offsets in one summary) and how many
// calls it makes. Starts a real name server and broker (built dist/), creates the topics, a
// message in each, and the groups' committed offsets over the wire, then times the snapshot and,
// alone, its two per-broker calls (GET_BROKER_CONSUME_STATS, KITEMQ_GET_BROKER_CONSOLE_SNAPSHOT,
// the second over every topic's queues). On loopback
// a call's round trip is the broker's time plus the decode. Then it starts the console's HTTP
// server in-process and times each list page (api/topics, api/groups, api/dashboard,
// api/cluster) over HTTP: the round trip, and the server's own time from the Server-Timing
// header fastify's reply.elapsedTime fills. Prints a markdown table.
//   npx tsx bench/console-scale.ts [--topics 1000] [--queues 4] [--groups 200] [--runs 20] [--tiny]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { AdminClient } from '../src/client/admin.js';
import { getBrokerConsumeStats } from '../src/client/admin-broker.js';
import { brokerConsoleSnapshotOf } from '../src/client/admin-console.js';
import { silentLogger } from '../src/common/logger.js';
import { hashPassword } from '../src/console/auth.js';
import { collectSnapshot } from '../src/console/collect/snapshot.js';
import { parseConsoleConfig } from '../src/console/config.js';
import { startConsoleServer } from '../src/console/server.js';
import { encodeProperties } from '../src/message/properties-codec.js';
import { encodeSubscriptionGroupConfig } from '../src/protocol/bodies/subscription-group.js';
import { encodeUpdateConsumerOffsetHeader } from '../src/protocol/headers/offsets.js';
import {
  createRequest,
  createRequestWithFields,
  type RemotingCommand,
} from '../src/protocol/remoting-command.js';
import { RequestCode } from '../src/protocol/request-code.js';
import { RemotingClient } from '../src/remoting/remoting-client.js';
import { startBroker, startNamesrv } from '../test/harness/processes.js';
import { sendV2Header } from '../test/harness/raw-protocol.js';

export interface ConsoleScaleOptions {
  topics: number;
  /** Read and write queues of each topic (4 unless given). */
  queues?: number;
  groups: number;
  runs: number;
}

export interface ConsoleScaleRow {
  what: string;
  runs: number;
  /** Remoting calls one run makes (0: the page reads the poller's last snapshot). */
  calls: number;
  p50Ms: number;
  maxMs: number;
  /** HTTP rows: the server's own time (Server-Timing), beside the round trip above. */
  serverP50Ms?: number;
  serverMaxMs?: number;
}

export interface ConsoleScaleResult {
  topics: number;
  queues: number;
  groups: number;
  rows: ConsoleScaleRow[];
  setupSec: number;
}

const TOPICS_PER_GROUP = 5;
const CONCURRENCY = 32;

async function inParallel(n: number, fn: (i: number) => Promise<RemotingCommand>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const res = await fn(i);
      if (res.code !== 0)
        throw new Error(`setup call ${i} failed: ${res.code} ${res.remark ?? ''}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, n) }, worker));
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))] ?? 0;
};

/** Topics, one message each, groups, and each group's committed offsets on 5 topics. */
async function populate(client: RemotingClient, addr: string, o: ConsoleScaleOptions) {
  const topic = (i: number) => `ScaleTopic_${i}`;
  await inParallel(o.topics, (i) =>
    client.invoke(
      addr,
      createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, 0, {
        topic: topic(i),
        defaultTopic: 'TBW102',
        readQueueNums: o.queues ?? 4,
        writeQueueNums: o.queues ?? 4,
        perm: 6,
        topicFilterType: 'SINGLE_TAG',
        topicSysFlag: 0,
        order: false,
      }),
    ),
  );
  const props = encodeProperties({});
  await inParallel(o.topics, (i) =>
    client.invoke(
      addr,
      createRequest(
        RequestCode.SEND_MESSAGE_V2,
        0,
        sendV2Header(topic(i), 0, props),
        Buffer.from('x'),
      ),
    ),
  );
  const group = (g: number) => `ScaleGroup_${g}`;
  await inParallel(o.groups, (g) => {
    const req = createRequest(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, 0);
    req.body = encodeSubscriptionGroupConfig({ groupName: group(g) });
    return client.invoke(addr, req);
  });
  // Half the groups are one message behind on each of their topics.
  await inParallel(o.groups * TOPICS_PER_GROUP, (k) => {
    const g = Math.floor(k / TOPICS_PER_GROUP);
    const fields = encodeUpdateConsumerOffsetHeader({
      consumerGroup: group(g),
      topic: topic((g * TOPICS_PER_GROUP + (k % TOPICS_PER_GROUP)) % o.topics),
      queueId: 0,
      commitOffset: g % 2,
    });
    return client.invoke(addr, createRequestWithFields(RequestCode.UPDATE_CONSUMER_OFFSET, fields));
  });
}

const round = (ms: number) => Math.round(ms * 10) / 10;

function row(what: string, calls: number, ms: number[], serverMs?: number[]): ConsoleScaleRow {
  const r: ConsoleScaleRow = {
    what,
    runs: ms.length,
    calls,
    p50Ms: round(pct(ms, 50)),
    maxMs: round(Math.max(...ms)),
  };
  if (serverMs) {
    r.serverP50Ms = round(pct(serverMs, 50));
    r.serverMaxMs = round(Math.max(...serverMs));
  }
  return r;
}

/** Calls per request with one broker: api/topics 2 + 1 per master, api/cluster 1 + 1 per broker. */
const PAGES = [
  ['api/topics', 3],
  ['api/groups', 0],
  ['api/dashboard', 0],
  ['api/cluster', 2],
] as const;

/** Each list page over HTTP from an in-process console, after its first snapshot. */
async function timePages(namesrvAddr: string, o: ConsoleScaleOptions): Promise<ConsoleScaleRow[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kitemq-console-scale-'));
  const hash = await hashPassword('bench');
  const config = parseConsoleConfig(`console.users=bench:${hash}:admin`, '(bench)', {
    port: 0,
    dataDir,
    namesrvAddrs: [namesrvAddr],
  });
  const running = await startConsoleServer({ config, logger: silentLogger() });
  try {
    const login = await fetch(`${running.url}api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench', password: 'bench' }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const rows: ConsoleScaleRow[] = [];
    for (const [page, calls] of PAGES) {
      const ms: number[] = [];
      const serverMs: number[] = [];
      for (let r = 0; r <= o.runs; r++) {
        const t = performance.now();
        const res = await fetch(`${running.url}${page}`, { headers: { cookie } });
        const body = (await res.json()) as { topics?: unknown[]; groups?: unknown[] };
        if (res.status !== 200) throw new Error(`${page} answered ${res.status}`);
        const rowsSeen = body.topics?.length ?? body.groups?.length ?? Number.POSITIVE_INFINITY;
        if (rowsSeen < (page === 'api/topics' ? o.topics : o.groups))
          throw new Error(`${page} listed only ${rowsSeen} rows`);
        if (r === 0) continue; // the first warms the route (and waits for the first snapshot)
        ms.push(performance.now() - t);
        const dur = /dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1];
        serverMs.push(Number(dur ?? Number.NaN));
      }
      rows.push(row(`GET ${page} (HTTP)`, calls, ms, serverMs));
    }
    return rows;
  } finally {
    await running.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runConsoleScaleBench(o: ConsoleScaleOptions): Promise<ConsoleScaleResult> {
  const namesrv = await startNamesrv();
  const broker = await startBroker({ namesrvAddr: namesrv.addr });
  const client = new RemotingClient(silentLogger());
  const admin = new AdminClient({ namesrvAddr: namesrv.addr, logger: silentLogger() });
  try {
    const t0 = performance.now();
    await populate(client, broker.addr, o);
    const setupSec = (performance.now() - t0) / 1000;
    let snapshotCalls = 0;
    let prev: Awaited<ReturnType<typeof collectSnapshot>> | undefined;
    const snapshotMs: number[] = [];
    for (let r = 0; r <= o.runs; r++) {
      const s = await collectSnapshot(admin, namesrv.addr, prev ? { prev } : {});
      if (r > 0) snapshotMs.push(s.tookMs); // the first warms connections and the JIT
      prev = s;
      snapshotCalls = s.calls;
      if (s.groups.length < o.groups || s.topics.length < o.topics)
        throw new Error(`snapshot saw ${s.groups.length} groups and ${s.topics.length} topics`);
    }
    const statsMs: number[] = [];
    for (let r = 0; r < o.runs; r++) {
      const t = performance.now();
      await getBrokerConsumeStats(admin, broker.addr, false, 10_000);
      statsMs.push(performance.now() - t);
    }
    const summaryMs: number[] = [];
    for (let r = 0; r < o.runs; r++) {
      const t = performance.now();
      const summary = await brokerConsoleSnapshotOf(admin, broker.addr, 10_000);
      summaryMs.push(performance.now() - t);
      if (Object.keys(summary?.topicTable ?? {}).length < o.topics)
        throw new Error('the console summary lists fewer topics than were created');
    }
    const pages = await timePages(namesrv.addr, o);
    return {
      topics: o.topics,
      queues: o.queues ?? 4,
      groups: o.groups,
      setupSec: Math.round(setupSec * 10) / 10,
      rows: [
        row('collectSnapshot (whole refresh)', snapshotCalls, snapshotMs),
        row('GET_BROKER_CONSUME_STATS alone', 1, statsMs),
        row('KITEMQ_GET_BROKER_CONSOLE_SNAPSHOT alone', 1, summaryMs),
        ...pages,
      ],
    };
  } finally {
    admin.close();
    client.close();
    await broker.stop();
    await namesrv.stop();
  }
}

export function formatConsoleScale(r: ConsoleScaleResult): string {
  const lines = [
    `${r.topics} topics of ${r.queues} queues, ${r.groups} groups with offsets on one broker ` +
      `(setup ${r.setupSec} s)`,
    '',
    '| call | runs | remoting calls | p50 ms | max ms | server p50 ms | server max ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...r.rows.map(
      (x) =>
        `| ${x.what} | ${x.runs} | ${x.calls} | ${x.p50Ms} | ${x.maxMs} | ` +
        `${x.serverP50Ms ?? '—'} | ${x.serverMaxMs ?? '—'} |`,
    ),
  ];
  // A page's server time; the refresh's own time for the snapshot row (it has no HTTP around it).
  const worst = Math.max(...r.rows.map((x) => x.serverMaxMs ?? (x.calls > 1 ? x.maxMs : 0)));
  lines.push(
    '',
    `Target (issue 15): every list page and the refresh under 1 s of server time: ` +
      `${worst < 1000 ? 'met' : 'not met'} (worst ${worst} ms).`,
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      topics: { type: 'string', default: '1000' },
      queues: { type: 'string', default: '4' },
      groups: { type: 'string', default: '200' },
      runs: { type: 'string', default: '20' },
      tiny: { type: 'boolean', default: false },
    },
  });
  const o = values.tiny
    ? { topics: 20, groups: 5, runs: 3 }
    : {
        topics: Number(values.topics),
        queues: Number(values.queues),
        groups: Number(values.groups),
        runs: Number(values.runs),
      };
  console.log(formatConsoleScale(await runConsoleScaleBench(o)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
