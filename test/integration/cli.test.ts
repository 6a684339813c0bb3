// The command-line entry points as a user runs them: bin/* as real child processes (needs
// `npm run build`). Config printing and errors, then name server / broker / standalone lifecycles.

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnUntilBoot, startBroker, startNamesrv } from '../harness/processes.js';
import { childEnv, runBin } from '../harness/run-bin.js';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'kitemq-cli-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function confFile(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

const asMap = (stdout: string) =>
  new Map(
    stdout
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
  );

/** Binds server on a port the OS picks (no probe-then-bind race) and returns the port. */
function listenAnywhere(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve(typeof a === 'object' && a !== null ? a.port : 0);
    }),
  );
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

describe('mqbroker -p', () => {
  it('prints the effective config of conf/broker.conf with the -n override', async () => {
    const r = await runBin('mqbroker', ['-p', '-c', 'conf/broker.conf', '-n', '1.2.3.4:9876']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const config = asMap(r.stdout);
    expect(config.get('namesrvAddr')).toBe('1.2.3.4:9876');
    expect(config.get('brokerClusterName')).toBe('DefaultCluster');
    expect(config.get('brokerName')).toBe('broker-a');
    expect(config.get('fileReservedTime')).toBe('48');
    expect(config.get('listenPort')).toBe('10911');
    expect(config.get('storePathCommitLog')).toBe('./data/commitlog');
    expect(config.get('mapedFileSizeCommitLog')).toBe('1073741824');
  });

  it('without -n, namesrvAddr comes from NAMESRV_ADDR', async () => {
    const r = await runBin('mqbroker', ['-p'], { env: { NAMESRV_ADDR: '10.9.8.7:9876' } });
    expect(asMap(r.stdout).get('namesrvAddr')).toBe('10.9.8.7:9876');
  });

  it('a bad value names the key, file and line, exits 1, and shows no stack', async () => {
    const path = confFile('bad.conf', '# broker\nbrokerName=b\nlistenPort=eleven\n');
    const r = await runBin('mqbroker', ['-c', path, '-n', '127.0.0.1:9876']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      `mqbroker: ${path}:3: listenPort="eleven" is not valid: expected an int (whole number) ` +
        'from 0 to 65535; fix the value, or remove it to use the default (10911)',
    ]);
  });

  it('an unknown key warns with the closest key and is not fatal', async () => {
    const path = confFile('typo.conf', 'brokerName=b\nautoCreateTopicEnabel=false\n');
    const r = await runBin('mqbroker', ['-p', '-c', path]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${path}:2: unknown broker key autoCreateTopicEnabel ignored`);
    expect(r.stderr).toContain('did you mean autoCreateTopicEnable?');
    expect(asMap(r.stdout).get('autoCreateTopicEnable')).toBe('true');
  });

  it('a missing config file and an unknown flag are one-line errors', async () => {
    const missing = await runBin('mqbroker', ['-c', join(tmp, 'nope.conf')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^mqbroker: cannot read config file .*nope\.conf: no such file/);
    const flag = await runBin('mqbroker', ['--bogus']);
    expect(flag.code).toBe(1);
    expect(flag.stderr.trim()).toBe('mqbroker: unknown option --bogus; run mqbroker -h for help');
  });
});

describe('mqnamesrv and kitemq flags', () => {
  it('mqnamesrv -p prints RocketMQ defaults; -h prints usage', async () => {
    const p = await runBin('mqnamesrv', ['-p']);
    expect(p.code).toBe(0);
    expect(asMap(p.stdout).get('listenPort')).toBe('9876');
    const h = await runBin('mqnamesrv', ['-h']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('Usage: mqnamesrv');
  });

  it('kitemq dispatches subcommands and explains unknown ones', async () => {
    const help = await runBin('kitemq', ['-h']);
    expect(help.code).toBe(0);
    for (const cmd of ['namesrv', 'broker', 'producer', 'consumer', 'standalone']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${cmd} +\\S`, 'm'));
    }
    const sub = await runBin('kitemq', ['broker', '-p', '-n', '5.6.7.8:9876']);
    expect(asMap(sub.stdout).get('namesrvAddr')).toBe('5.6.7.8:9876');
    const unknown = await runBin('kitemq', ['nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown command nope');
  });
});

describe('name server process', () => {
  it('starts under the harness, accepts connections and stops cleanly', async () => {
    const namesrv = await startNamesrv();
    expect(namesrv.addr).toBe(`127.0.0.1:${namesrv.port}`);
    expect(await canConnect(namesrv.port)).toBe(true);
    const exit = await namesrv.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(existsSync(namesrv.storeDir)).toBe(false);
    expect(await canConnect(namesrv.port)).toBe(false);
  });

  it('a port in use is one line naming the fix, exit 1', async () => {
    const blocker = createServer();
    const port = await listenAnywhere(blocker);
    try {
      const path = confFile('ns.conf', `listenPort=${port}\nbindAddress=127.0.0.1\n`);
      const r = await runBin('mqnamesrv', ['-c', path]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`port ${port} is already in use`);
      expect(r.stderr).toContain('set listenPort');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });
});

// Needs src/broker and src/store; fails until both exist and build.
describe('broker process', () => {
  it('boots against a name server, restarts on the same port and stops cleanly', async () => {
    const namesrv = await startNamesrv();
    try {
      const broker = await startBroker({ namesrvAddr: namesrv.addr });
      expect(broker.addr).toBe(`127.0.0.1:${broker.port}`);
      expect(broker.output()).toContain(
        `The broker[broker-a, 127.0.0.1:${broker.port}] boot success. serializeType=JSON ` +
          `and name server is ${namesrv.addr}`,
      );
      expect(await canConnect(broker.port)).toBe(true);
      expect(await canConnect(broker.port - 2)).toBe(true);
      await broker.restart();
      expect(await canConnect(broker.port)).toBe(true);
      // Another socket holds the port while the broker is down: restart() waits it out and comes
      // back on the same port (clients and the name server know that one).
      await broker.kill();
      const held = createServer();
      await new Promise<void>((resolve) => held.listen(broker.port, '127.0.0.1', resolve));
      const restarted = broker.restart();
      setTimeout(() => held.close(), 1_500);
      await restarted;
      expect(broker.output()).toContain(`127.0.0.1:${broker.port}] boot success`);
      expect(await canConnect(broker.port)).toBe(true);
      expect(await broker.stop()).toEqual({ code: 0, signal: null });
      expect(existsSync(broker.storeDir)).toBe(false);
    } finally {
      await namesrv.stop();
    }
  });

  it('standalone on ports 0 binds free ones, prints them, and stops on SIGTERM', async () => {
    const store = join(tmp, 'standalone-store');
    const args = ['standalone', '--namesrv-port', '0', '--broker-port', '0', '--store', store];
    const { proc, output } = await spawnUntilBoot(
      'kitemq',
      args,
      childEnv({ HOME: tmp }),
      /KiteMQ standalone is running/,
      30_000,
    );
    try {
      const namesrvPort = Number(/name server {2}127\.0\.0\.1:(\d+)/.exec(output())?.[1]);
      const brokerPort = Number(/broker {7}\S+ at 127\.0\.0\.1:(\d+)/.exec(output())?.[1]);
      expect(namesrvPort).toBeGreaterThan(0);
      expect(brokerPort).toBeGreaterThan(2);
      expect(output()).toContain(`name server is 127.0.0.1:${namesrvPort}`);
      expect(output()).toContain(`mqadmin updateTopic -n 127.0.0.1:${namesrvPort}`);
      expect(await canConnect(namesrvPort)).toBe(true);
      expect(await canConnect(brokerPort)).toBe(true);
      expect(await canConnect(brokerPort - 2)).toBe(true);
    } finally {
      proc.kill('SIGTERM');
    }
    const code = await new Promise((resolve) => proc.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);
  });
});
