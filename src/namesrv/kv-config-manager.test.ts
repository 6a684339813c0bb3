import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../common/errors.js';
import { KvConfigManager } from './kv-config-manager.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('KvConfigManager', () => {
  it("writes RocketMQ's kvConfig.json on each change and reads it back", () => {
    dir = mkdtempSync(join(tmpdir(), 'kitemq-kv-'));
    const path = join(dir, 'namesrv', 'kvConfig.json');
    const kv = new KvConfigManager(path);
    kv.put('ORDER_TOPIC_CONFIG', 'T', 'broker-a:4;broker-b:4');
    kv.put('NS', 'k', 'v');
    kv.delete('NS', 'k');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      configTable: { ORDER_TOPIC_CONFIG: { T: 'broker-a:4;broker-b:4' }, NS: {} },
    });
    const again = new KvConfigManager(path);
    expect(again.get('ORDER_TOPIC_CONFIG', 'T')).toBe('broker-a:4;broker-b:4');
    expect(again.list('NS')).toEqual({});
  });

  it('refuses a file that is not a KV table, naming it', () => {
    dir = mkdtempSync(join(tmpdir(), 'kitemq-kv-'));
    const path = join(dir, 'kvConfig.json');
    writeFileSync(path, '{"configTable":');
    expect(() => new KvConfigManager(path)).toThrow(ConfigError);
    expect(() => new KvConfigManager(path)).toThrow(`${path}: the KV config file is not JSON`);
    writeFileSync(path, '{"configTable":{"NS":{"k":1}}}');
    expect(() => new KvConfigManager(path)).toThrow(/expected \{"configTable"/);
  });
});
