// How every mqadmin subcommand prints: aligned tables (RocketMQ's column titles where it has
// them) by default, and with --json one JSON document on stdout for scripts. A subcommand never
// calls console.log itself; it hands rows and the data they came from to its Output, so the two
// forms cannot drift apart. Subcommands live in modules (mqadmin-*.ts) that mqadmin.ts merges.
import type { AdminClient } from '../client/admin.js';
import { type OptionSpec, type ParsedValues, stringFlag, UsageError } from './args.js';

export type Cell = string | number | boolean | undefined;

export interface Output {
  /** A table: `header` then rows. JSON: `data` when given, else the rows as objects by header. */
  table(header: readonly string[], rows: readonly Cell[][], data?: unknown): void;
  /** Name/value lines (one message, one config). JSON: `data` when given, else the pairs. */
  fields(pairs: readonly (readonly [string, Cell])[], data?: unknown): void;
  /** A line of text (a confirmation); JSON: `data` when given, else {"message": line}. */
  line(text: string, data?: unknown): void;
  /** Progress of long work, on stderr (never mixed into the table or JSON on stdout). */
  progress(text: string): void;
}

export type Subcommand = (admin: AdminClient, v: ParsedValues, out: Output) => Promise<void>;

/** A group of subcommands: their help lines, extra flags, and the commands by name. */
export interface SubcommandModule {
  readonly help: string;
  readonly options: OptionSpec;
  readonly commands: Readonly<Record<string, Subcommand>>;
}

const cell = (c: Cell) => (c === undefined ? '' : String(c));

/** Columns padded to their widest cell, two spaces apart. */
export function formatTable(header: readonly string[], rows: readonly Cell[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => cell(r[i]).length)));
  return all
    .map((r) =>
      header
        .map((_, i) => cell(r[i]).padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * A header title as a JSON key, camelCase with acronyms as words: '#Broker Offset' →
 * 'brokerOffset', '#QID' → 'qid', '#Message ID' → 'messageId', '#InTPS(LOAD)' → 'inTpsLoad'.
 */
export function jsonKey(title: string): string {
  const words = title
    .replace(/^#/, '')
    .split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  return words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
}

export interface Sink {
  out(text: string): void;
  err(text: string): void;
}

const consoleSink: Sink = {
  out: (t) => console.log(t),
  err: (t) => console.error(t),
};

export function createOutput(json: boolean, sink: Sink = consoleSink): Output {
  const emit = (v: unknown) => sink.out(JSON.stringify(v, null, 2));
  return {
    table(header, rows, data) {
      if (!json) return sink.out(formatTable(header, rows));
      const keys = header.map(jsonKey);
      emit(data ?? rows.map((r) => Object.fromEntries(keys.map((k, i) => [k, r[i] ?? null]))));
    },
    fields(pairs, data) {
      if (!json) {
        const w = Math.max(...pairs.map(([k]) => k.length)) + 2;
        return sink.out(pairs.map(([k, v]) => `${k.padEnd(w)}${cell(v)}`).join('\n'));
      }
      emit(data ?? Object.fromEntries(pairs.map(([k, v]) => [jsonKey(k), v ?? null])));
    },
    line(text, data) {
      if (!json) return sink.out(text);
      emit(data ?? { message: text });
    },
    progress(text) {
      sink.err(text);
    },
  };
}

/** A required string flag, with the error naming the letter and the help. */
export function need(v: ParsedValues, flag: string, letter: string): string {
  const s = stringFlag(v, flag);
  if (!s) throw new UsageError(`missing -${letter} <${flag}>; run mqadmin -h for help`);
  return s;
}

/** An optional whole-number flag. */
export function intFlag(v: ParsedValues, flag: string, letter: string, dflt: number): number {
  const s = stringFlag(v, flag);
  if (s === undefined) return dflt;
  if (!/^-?\d+$/.test(s)) throw new UsageError(`-${letter} must be a number, got '${s}'`);
  return Number(s);
}

/**
 * A flag that takes true or false, as RocketMQ's tools take `-o true`. Java's
 * Boolean.parseBoolean reads a typo as false; here it is a usage error instead.
 */
export function boolFlag(v: ParsedValues, flag: string, letter: string): boolean | undefined {
  const s = stringFlag(v, flag);
  if (s === undefined) return undefined;
  if (!/^(true|false)$/i.test(s))
    throw new UsageError(`-${letter} must be true or false, got '${s}'`);
  return s.toLowerCase() === 'true';
}
