// Lists the long tasks of a .cpuprofile (as written by loop-probe.mjs): runs of consecutive
// non-idle samples longer than --min-ms, each with the frames that held the most of it. A task
// here is what the event loop did between two idle samples, so it is an upper bound of one
// pause (two callbacks back to back with no idle sample between count as one). Sampling is at
// V8's default 1 ms interval, so tasks under ~2 ms are not resolved.
//   npx tsx bench/profile-pauses.ts FILE.cpuprofile [--min-ms 2] [--top 15]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'min-ms': { type: 'string', default: '2' }, top: { type: 'string', default: '15' } },
});
const p = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const name = (n: Node): string => {
  const f = n.callFrame;
  const file = f.url.replace(/^.*\/(dist|node_modules|bench)\//, '$1/').replace(/^node:/, '');
  return `${f.functionName || '(anon)'} ${file}:${f.lineNumber + 1}`;
};
/** The frame a sample is charged to for a cause: GC, a *Sync fs call, or the topmost own frame. */
const cause = (id: number): string => {
  const leaf = byId.get(id)!;
  if (leaf.callFrame.functionName === '(garbage collector)') return 'GC';
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const n = byId.get(at)!;
    if (/Sync$/.test(n.callFrame.functionName) && /fs/.test(n.callFrame.url))
      return `fs ${name(n)}`;
  }
  // The deepest frame from our code (dist/), else the leaf.
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const n = byId.get(at)!;
    if (n.callFrame.url.includes('/dist/')) return name(n);
  }
  return name(leaf);
};
/** The outermost frame from dist/ on the stack: which callback the task was. */
const entry = (id: number): string => {
  let found: string | undefined;
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const n = byId.get(at)!;
    if (n.callFrame.url.includes('/dist/')) found = name(n);
  }
  return found ?? name(byId.get(id)!);
};

const isIdle = (id: number) => byId.get(id)!.callFrame.functionName === '(idle)';
interface Task {
  ms: number;
  causes: Map<string, number>;
  entries: Map<string, number>;
}
const tasks: Task[] = [];
let cur: Task | undefined;
const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
for (let i = 0; i < p.samples.length; i++) {
  const id = p.samples[i]!;
  const dtMs = (p.timeDeltas[i + 1] ?? 0) / 1000;
  if (isIdle(id)) {
    if (cur) tasks.push(cur);
    cur = undefined;
    continue;
  }
  cur ??= { ms: 0, causes: new Map(), entries: new Map() };
  cur.ms += dtMs;
  add(cur.causes, cause(id), dtMs);
  add(cur.entries, entry(id), dtMs);
}
if (cur) tasks.push(cur);

const minMs = Number(o['min-ms']);
const long = tasks.filter((t) => t.ms > minMs);
const totalMs = p.timeDeltas.reduce((a, b) => a + b, 0) / 1000;
console.log(
  `profile ${Math.round(totalMs)} ms, ${tasks.length} tasks, ${long.length} > ${minMs} ms`,
);
// Sum over the long tasks, by cause: which kinds of work make the pauses.
const sum = new Map<string, number>();
for (const t of long) for (const [k, v] of t.causes) add(sum, k, v);
const top = [...sum].sort((a, b) => b[1] - a[1]).slice(0, Number(o.top));
console.log('time in long tasks by cause (ms):');
for (const [k, v] of top) console.log(`  ${v.toFixed(1).padStart(8)}  ${k}`);
console.log('longest tasks:');
for (const t of [...long].sort((a, b) => b.ms - a.ms).slice(0, Number(o.top))) {
  const c = [...t.causes].sort((a, b) => b[1] - a[1]).slice(0, 3);
  const e = [...t.entries].sort((a, b) => b[1] - a[1])[0]?.[0];
  const parts = c.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(' | ');
  console.log(`  ${t.ms.toFixed(1).padStart(6)} ms  [${e}]  ${parts}`);
}
