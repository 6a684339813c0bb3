// namespace → key → value (KVConfigManager), kept in memory and, when a path is given, in a JSON
// file so ORDER_TOPIC_CONFIG-style settings survive a restart.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class KvConfigManager {
  private readonly table = new Map<string, Map<string, string>>();
  private readonly path: string | undefined;

  constructor(path?: string) {
    this.path = path;
    if (path && existsSync(path)) {
      const data = JSON.parse(readFileSync(path, 'utf8')) as {
        configTable?: Record<string, Record<string, string>>;
      };
      for (const [ns, kv] of Object.entries(data.configTable ?? {}))
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
