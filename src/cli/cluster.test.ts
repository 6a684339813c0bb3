// The conf dirs kitemq cluster starts: every file parses, masters come first, ports and stores
// never collide, and the overrides replace keys instead of setting them twice.
import { describe, expect, it } from 'vitest';
import { parseBrokerConfig } from '../common/config/broker-config.js';
import { readClusterDir, withKeys } from './cluster.js';

describe('kitemq cluster conf dirs', () => {
  it.each([
    ['conf/2m-noslave', ['broker-a', 'broker-b'], 'ASYNC_MASTER'],
    ['conf/2m-2s-async', ['broker-a', 'broker-b', 'broker-a-s', 'broker-b-s'], 'ASYNC_MASTER'],
    ['conf/2m-2s-sync', ['broker-a', 'broker-b', 'broker-a-s', 'broker-b-s'], 'SYNC_MASTER'],
  ])('%s: masters first, RocketMQ roles, ports and stores apart', (dir, names, masterRole) => {
    const brokers = readClusterDir(dir);
    expect(brokers.map((b) => b.name)).toEqual(names);
    for (const b of brokers) {
      const slave = b.name.endsWith('-s');
      expect(b.config.brokerRole).toBe(slave ? 'SLAVE' : masterRole);
      expect(b.config.brokerId).toBe(slave ? 1 : 0);
      expect(b.config.flushDiskType).toBe('ASYNC_FLUSH');
      expect(b.config.storePathRootDir).toBe(`./data/${dir.slice(5)}/${b.name}`);
    }
    // Each broker takes listenPort-2 (VIP), listenPort and listenPort+1 (HA).
    const ports = brokers.flatMap((b) => [-2, 0, 1].map((d) => b.config.listenPort + d));
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('--port-base keeps the distances, 0 frees them all, --store-root puts stores under it', () => {
    const moved = readClusterDir('conf/2m-2s-async', { portBase: 20911, storeRoot: '/tmp/x' });
    expect(moved.map((b) => b.config.listenPort)).toEqual([20911, 20931, 20921, 20941]);
    expect(moved[2]!.config.storePathRootDir).toBe('/tmp/x/broker-a-s');
    expect(parseBrokerConfig(moved[2]!.text, 'x').warnings).toEqual([]);
    const free = readClusterDir('conf/2m-noslave', { portBase: 0, loopback: true });
    expect(free.map((b) => [b.config.listenPort, b.config.brokerIP1])).toEqual([
      [0, '127.0.0.1'],
      [0, '127.0.0.1'],
    ]);
  });

  it('withKeys replaces a key wherever it is and adds the missing ones', () => {
    const text = '# listenPort=1 stays a comment\nlistenPort = 10911\nbrokerName=b\n';
    expect(withKeys(text, { listenPort: 0, storePathRootDir: '/s' })).toBe(
      '# listenPort=1 stays a comment\nbrokerName=b\nlistenPort=0\nstorePathRootDir=/s\n',
    );
  });
});
