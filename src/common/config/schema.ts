// Config as a schema: every key has a type, a default, a unit and a one-line doc. A .properties
// file plus command-line overrides are validated once against it and frozen. Compare RocketMQ's
// MixAll#properties2Object, which silently ignores unknown keys and unparsable values; here an
// unknown key is a warning naming the closest known key and a bad value is a startup error that
// names the key, the file and the line.
import { ConfigError } from '../errors.js';
import { parseProperties } from '../properties.js';

export type ConfigValue = string | number | boolean;
export type ValueType = 'string' | 'int' | 'long' | 'bool' | 'enum';

type TypeOf<V> = V extends boolean ? 'bool' : V extends number ? 'int' | 'long' : 'string' | 'enum';

export interface KeySpec<V extends ConfigValue, C> {
  readonly type: TypeOf<V>;
  /** A value, or a function of the keys resolved before it (e.g. storePathCommitLog). */
  readonly default: V | ((resolved: Readonly<C>) => V);
  /** How the default reads in docs when it depends on the machine or on other keys. */
  readonly defaultText?: string;
  readonly unit?: string;
  readonly doc: string;
  /** Allowed values of an enum key. */
  readonly values?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  /** Other spellings accepted for this key. */
  readonly aliases?: readonly string[];
  /** Set while the key is validated but not acted on yet: what is missing (shown in docs). */
  readonly pending?: string;
  /** Extra validation: returns what was expected when the value is wrong. */
  readonly check?: (value: V) => string | undefined;
}

export type Schema<C> = { readonly [K in keyof C]-?: KeySpec<C[K] & ConfigValue, C> };

export interface ConfigDefinition<C> {
  /** "broker" or "namesrv", used in messages. */
  readonly name: string;
  readonly schema: Schema<C>;
  /** RocketMQ keys we recognise but do not implement yet: key → what it does there. */
  readonly notUsedYet: Readonly<Record<string, string>>;
}

export interface ParseInput {
  readonly text: string;
  readonly fileName: string;
  /** Command-line values; they win over the file. */
  readonly overrides?: Readonly<Record<string, ConfigValue>>;
  /** Caller-specific defaults (e.g. standalone's ./data); the file wins over them. */
  readonly defaults?: Readonly<Record<string, ConfigValue>>;
}

export interface ParsedConfig<C> {
  readonly config: Readonly<C>;
  /** Non-fatal findings (unknown or unused keys, repeated keys), one line each. */
  readonly warnings: readonly string[];
}

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

interface Assignment {
  readonly value: ConfigValue;
  readonly where: string;
}

export function parseConfig<C>(def: ConfigDefinition<C>, input: ParseInput): ParsedConfig<C> {
  const specs = def.schema as unknown as Record<string, KeySpec<ConfigValue, C>>;
  const canonical = canonicalNames(specs);
  const warnings: string[] = [];
  const explicit = new Map<string, Assignment>();
  const assign = (rawKey: string, raw: string, where: string, seen: Map<string, string>) => {
    const key = canonical.get(rawKey);
    if (key === undefined) {
      warnings.push(unknownKeyWarning(def, rawKey, where, [...canonical.keys()]));
      return;
    }
    const spec = specs[key] as KeySpec<ConfigValue, C>;
    const previous = seen.get(key);
    if (previous !== undefined) {
      warnings.push(`${where}: ${key} is set again (first at ${previous}); the last value wins`);
    }
    seen.set(key, where);
    explicit.set(key, { value: coerce(key, spec, raw, where), where });
  };
  for (const [key, value] of Object.entries(input.defaults ?? {})) {
    assign(key, String(value), 'built-in defaults', new Map());
  }
  const seenInFile = new Map<string, string>();
  for (const e of parseProperties(input.text, input.fileName)) {
    assign(e.key, e.value, `${input.fileName}:${e.line}`, seenInFile);
  }
  for (const [key, value] of Object.entries(input.overrides ?? {})) {
    assign(key, String(value), 'command line', new Map());
  }
  return { config: Object.freeze(resolve(specs, explicit)), warnings };
}

function canonicalNames<C>(specs: Record<string, KeySpec<ConfigValue, C>>): Map<string, string> {
  const names = new Map<string, string>();
  for (const [key, spec] of Object.entries(specs)) {
    names.set(key, key);
    for (const alias of spec.aliases ?? []) names.set(alias, key);
  }
  return names;
}

function resolve<C>(
  specs: Record<string, KeySpec<ConfigValue, C>>,
  explicit: Map<string, Assignment>,
): C {
  const out: Record<string, ConfigValue> = {};
  const derived: string[] = [];
  for (const [key, spec] of Object.entries(specs)) {
    const given = explicit.get(key);
    if (given !== undefined) out[key] = given.value;
    else if (typeof spec.default === 'function') derived.push(key);
    else out[key] = spec.default;
  }
  for (const key of derived) {
    const fn = specs[key]?.default as (resolved: Readonly<C>) => ConfigValue;
    out[key] = fn(out as C);
  }
  return out as C;
}

function unknownKeyWarning<C>(
  def: ConfigDefinition<C>,
  key: string,
  where: string,
  known: string[],
): string {
  const note = def.notUsedYet[key];
  if (note !== undefined) {
    return `${where}: ${key} is a RocketMQ ${def.name} key: accepted but not used yet (${note})`;
  }
  const suggestion = closestKey(key, [...known, ...Object.keys(def.notUsedYet)]);
  const hint = suggestion === undefined ? 'see docs/config.md' : `did you mean ${suggestion}?`;
  return `${where}: unknown ${def.name} key ${key} ignored; ${hint}`;
}

/** The known key nearest by edit distance (case-insensitive), if it is plausibly a typo. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(3, Math.floor(key.length * 0.4)) ? best : undefined;
}

/** Levenshtein distance with two rows. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, substitution));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** Turns the text of a value into the key's type, or throws a ConfigError saying where and why. */
export function coerce<C>(
  key: string,
  spec: KeySpec<ConfigValue, C>,
  raw: string,
  where: string,
): ConfigValue {
  const text = raw.trim();
  const fail = (expected: string): never => {
    const fallback = typeof spec.default === 'function' ? '' : ` (${String(spec.default)})`;
    throw new ConfigError(
      `${where}: ${key}=${JSON.stringify(text)} is not valid: expected ${expected}; ` +
        `fix the value, or remove it to use the default${fallback}`,
    );
  };
  const value = toType(spec, text, fail);
  const problem = (spec.check as ((v: ConfigValue) => string | undefined) | undefined)?.(value);
  if (problem !== undefined) fail(problem);
  return value;
}

function toType<C>(
  spec: KeySpec<ConfigValue, C>,
  text: string,
  fail: (expected: string) => never,
): ConfigValue {
  switch (spec.type) {
    case 'string':
      return text;
    case 'bool':
      if (/^true$/i.test(text)) return true;
      if (/^false$/i.test(text)) return false;
      return fail('a bool (true or false)');
    case 'enum': {
      const values = spec.values ?? [];
      if (values.includes(text)) return text;
      return fail(`an enum, one of ${values.join(', ')}`);
    }
    case 'int':
    case 'long': {
      const lo = Math.max(spec.min ?? -Infinity, spec.type === 'int' ? INT_MIN : -(2 ** 53 - 1));
      const hi = Math.min(spec.max ?? Infinity, spec.type === 'int' ? INT_MAX : 2 ** 53 - 1);
      const n = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
      if (Number.isSafeInteger(n) && n >= lo && n <= hi) return n;
      const range = spec.min === undefined && spec.max === undefined ? '' : ` from ${lo} to ${hi}`;
      return fail(`${spec.type === 'int' ? 'an int' : 'a long'} (whole number)${range}`);
    }
  }
}

/** The effective config as key=value lines in schema order, like `mqbroker -p`. */
export function formatConfig<C>(def: ConfigDefinition<C>, config: Readonly<C>): string {
  const values = config as unknown as Record<string, ConfigValue>;
  // A key a caller's config leaves out (an optional part, such as the name server's metrics in
  // a literal test config) is not printed as "undefined".
  return Object.keys(def.schema)
    .filter((key) => values[key] !== undefined)
    .map((key) => `${key}=${String(values[key])}`)
    .join('\n');
}

/** The default as docs show it. */
export function defaultText<C>(spec: KeySpec<ConfigValue, C>): string {
  if (spec.defaultText !== undefined) return spec.defaultText;
  return typeof spec.default === 'function' ? '(derived)' : String(spec.default);
}
