// namespace → key → value (KVConfigManager), kept in memory and, when a path is given
// (kvConfigPath), in RocketMQ's JSON file {"configTable":{ns:{k:v}}}, so ORDER_TOPIC_CONFIG-style
// settings survive a restart. Every change rewrites the whole file (temp file + rename, so a crash
// leaves the old or the new one) before it is answered, as KVConfigManager#persist does.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../common/errors.js';

type ConfigTable = Record<string, Record<string, string>>;

/** The configTable of a kvConfig.json; a file that is not one stops startup, naming it. */
function readConfigTable(path: string): ConfigTable {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(
      `${path}: the KV config file is not JSON (${(err as Error).message}); fix or move it ` +
        'away, or set kvConfigPath to another file',
      { cause: err },
    );
  }
  const table = (data as { configTable?: unknown } | null)?.configTable ?? {};
  const valid =
    typeof table === 'object' &&
    table !== null &&
    Object.values(table).every(
      (kv) =>
        typeof kv === 'object' &&
        kv !== null &&
        Object.values(kv).every((v) => typeof v === 'string'),
    );
  if (!valid) {
    throw new ConfigError(
      `${path}: expected {"configTable":{"<namespace>":{"<key>":"<value>"}}}; fix or move it ` +
        'away, or set kvConfigPath to another file',
    );
  }
  return table as ConfigTable;
}

export class KvConfigManager {
  private readonly table = new Map<string, Map<string, string>>();
  private readonly path: string | undefined;

  constructor(path?: string) {
    this.path = path;
    if (path && existsSync(path)) {
      for (const [ns, kv] of Object.entries(readConfigTable(path)))
        this.table.set(ns, new Map(Object.entries(kv)));
    }
  }

  put(ns: string, key: string, value: string): void {
    let m = this.table.get(ns);
    if (!m) {
      m = new Map();
      this.table.set(ns, m);
    }
    m.set(key, value);
    this.persist();
  }

  get(ns: string, key: string): string | undefined {
    return this.table.get(ns)?.get(key);
  }

  delete(ns: string, key: string): void {
    this.table.get(ns)?.delete(key);
    this.persist();
  }

  list(ns: string): Record<string, string> | undefined {
    const m = this.table.get(ns);
    return m ? Object.fromEntries(m) : undefined;
  }

  private persist(): void {
    if (!this.path) return;
    mkdirSync(dirname(this.path), { recursive: true });
    const configTable = Object.fromEntries(
      [...this.table].map(([ns, m]) => [ns, Object.fromEntries(m)]),
    );
    writeFileSync(`${this.path}.tmp`, JSON.stringify({ configTable }, null, 2));
    renameSync(`${this.path}.tmp`, this.path);
  }
}
