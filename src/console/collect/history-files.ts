// The TPS history on disk: <dataDir>/history/tps-YYYY-MM-DD.jsonl (UTC days), one line per
// interval {"at":ms,"v":{"<series key>":value,…}}, appended and never rewritten. A line that does
// not parse (the torn tail of a crash) is skipped and counted, never fatal; a file whose last
// line is torn gets a newline before the next append, so the torn bytes cannot swallow it.
import {
  appendFileSync,
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';

export interface HistoryLine {
  at: number;
  v: Record<string, number>;
}

const DAY_MS = 86_400_000;
const FILE = /^tps-(\d{4}-\d{2}-\d{2})\.jsonl$/;

export const dayOf = (at: number) => new Date(at).toISOString().slice(0, 10);
const dayStart = (day: string) => Date.parse(`${day}T00:00:00.000Z`);

export class HistoryFiles {
  readonly dir: string;
  skippedLines = 0;
  private readonly retentionDays: number;
  private checkedTail = new Set<string>();

  constructor(dataDir: string, retentionDays: number) {
    this.dir = join(dataDir, 'history');
    this.retentionDays = retentionDays;
    mkdirSync(this.dir, { recursive: true });
  }

  /** Days on disk, oldest first. */
  days(): string[] {
    return readdirSync(this.dir)
      .map((f) => FILE.exec(f)?.[1])
      .filter((d): d is string => d !== undefined)
      .sort();
  }

  private path(day: string): string {
    return join(this.dir, `tps-${day}.jsonl`);
  }

  /** Deletes the day files that end before now − retention. */
  prune(now: number): void {
    const keepFrom = now - this.retentionDays * DAY_MS;
    for (const day of this.days())
      if (dayStart(day) + DAY_MS <= keepFrom) rmSync(this.path(day), { force: true });
  }

  append(line: HistoryLine): void {
    const day = dayOf(line.at);
    const path = this.path(day);
    let prefix = '';
    if (!this.checkedTail.has(day)) {
      if (!existsSync(path)) this.prune(line.at);
      else if (!endsWithNewline(path)) prefix = '\n';
      this.checkedTail.add(day);
    }
    appendFileSync(path, `${prefix}${JSON.stringify(line)}\n`);
  }

  /** Lines of the days overlapping [from, to], in time order, torn ones skipped. */
  read(from: number, to: number): HistoryLine[] {
    const out: HistoryLine[] = [];
    for (const day of this.days()) {
      const start = dayStart(day);
      if (start > to || start + DAY_MS <= from) continue;
      for (const l of this.parse(day)) if (l.at >= from && l.at <= to) out.push(l);
    }
    return out;
  }

  /** The newest `n` lines over all days. */
  tail(n: number): HistoryLine[] {
    const out: HistoryLine[] = [];
    for (const day of this.days().reverse()) {
      out.unshift(...this.parse(day));
      if (out.length >= n) break;
    }
    return out.slice(-n);
  }

  private parse(day: string): HistoryLine[] {
    let text: string;
    try {
      text = readFileSync(this.path(day), 'utf8');
    } catch {
      return [];
    }
    const out: HistoryLine[] = [];
    for (const raw of text.split('\n')) {
      if (raw === '') continue;
      try {
        const l = JSON.parse(raw) as HistoryLine;
        if (typeof l.at === 'number' && typeof l.v === 'object' && l.v !== null) out.push(l);
        else this.skippedLines++;
      } catch {
        this.skippedLines++;
      }
    }
    return out.sort((a, b) => a.at - b.at);
  }
}

function endsWithNewline(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return true;
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, size - 1);
    return b[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}
