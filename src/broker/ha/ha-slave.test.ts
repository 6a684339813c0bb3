// The slave's HA client against a master scripted with the wire codec over a real loopback
// socket, on real stores: appends arrive and are readable, reports follow the end, heartbeats,
// reconnects, authentication, refused bytes, and the two kinds of divergence.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { decodeRecord } from '../../message/record-codec.js';
import type { MessageStore } from '../../store/message-store.js';
import { OpenStores, TempDirs } from '../../store/store.fixture.js';
import { capturingLogger, copyLog, logBytes, putAll, ScriptedMaster } from './ha-slave.fixture.js';
import { HaSlave, type HaSlaveOptions } from './ha-slave.js';

const dirs = new TempDirs('kitemq-haslave-');
const stores = new OpenStores();
const masters: ScriptedMaster[] = [];
const slaves: HaSlave[] = [];
const WAIT = { timeout: 20_000, interval: 10 };
const SEGMENT = { mappedFileSizeCommitLog: 16 * 1024 };

afterEach(async () => {
  for (const s of slaves.splice(0)) await s.close();
  for (const m of masters.splice(0)) await m.close();
  await stores.closeAll();
  dirs.removeAll();
});

async function setup(over: Partial<HaSlaveOptions> = {}) {
  const master = new ScriptedMaster();
  masters.push(master);
  if (over.haAuthToken) master.auth = { token: over.haAuthToken, nonce: randomBytes(16) };
  const addr = await master.listen();
  const masterStore = await stores.open(dirs.make(), SEGMENT);
  const slaveStore = await stores.open(dirs.make(), SEGMENT);
  const start = (more: Partial<HaSlaveOptions> = {}) => {
    const slave = new HaSlave({
      store: slaveStore,
      log: silentLogger(),
      haMasterAddress: addr,
      haSendHeartbeatInterval: 50,
      haHousekeepingInterval: 20_000,
      haAuthToken: '',
      connectRetryMs: 20,
      ...over,
      ...more,
    });
    slaves.push(slave);
    slave.start();
    return slave;
  };
  return { master, masterStore, slaveStore, start };
}

/** What a consumer of queue q reads: the bodies, in order. */
function bodies(store: MessageStore, q: number): string[] {
  return store.getMessage('H', q, 0, 200).buffers.map((b) => decodeRecord(b, 0).body.toString());
}

/** Where the n-th record (0-based) of a store's log starts. */
function recordStart(store: MessageStore, n: number): number {
  let at = store.commitLog.minOffset;
  for (let i = 0; i < n; i++) {
    const head = store.commitLog.read(at, 8)!;
    at +=
      head.readInt32BE(4) === (0xcbd43194 | 0)
        ? 16 * 1024 - (at % (16 * 1024))
        : head.readInt32BE(0);
  }
  return at;
}

describe('HaSlave', () => {
  it('appends what the master sends, readable by queue, and reports the new end', async () => {
    const { master, masterStore, slaveStore, start } = await setup();
    await putAll(masterStore, 0, 40, 'a'); // crosses a 16 KiB segment
    expect(masterStore.commitLog.queue.files.length).toBeGreaterThan(1);
    const slave = start();
    const conn = await master.conn(0);
    expect(await conn.firstReport()).toBe(0);
    const end = conn.sendLog(masterStore, 0, 700); // frames cut records
    await vi.waitFor(() => expect(slaveStore.maxPhyOffset).toBe(masterStore.maxPhyOffset), WAIT);
    expect(logBytes(slaveStore).equals(logBytes(masterStore))).toBe(true);
    for (const q of [0, 1]) {
      expect(bodies(slaveStore, q)).toEqual(bodies(masterStore, q));
      expect(bodies(slaveStore, q)).toHaveLength(20);
    }
    await vi.waitFor(() => expect(conn.reports.at(-1)).toBe(end), WAIT);
    conn.heartbeat(end);
    await vi.waitFor(() => expect(slave.status().masterOffset).toBe(end), WAIT);
    expect(slave.status()).toMatchObject({ connected: true, lagBytes: 0, lagMs: 0 });
  });

  it('follows a master that starts an empty slave at its last file, as Java masters do', async () => {
    const { master, masterStore, slaveStore, start } = await setup();
    await putAll(masterStore, 0, 40, 'a');
    const last = masterStore.commitLog.queue.last!.fileFromOffset;
    expect(last).toBeGreaterThan(0);
    start();
    const conn = await master.conn(0);
    expect(await conn.firstReport()).toBe(0);
    conn.sendLog(masterStore, last);
    await vi.waitFor(() => expect(slaveStore.maxPhyOffset).toBe(masterStore.maxPhyOffset), WAIT);
    expect(slaveStore.minPhyOffset).toBe(last);
    const tail = (s: MessageStore) => {
      const min = s.getMinOffsetInQueue('H', 0);
      const r = s.getMessage('H', 0, min, 200);
      return r.buffers.map((b) => decodeRecord(b, 0).body.toString());
    };
    expect(tail(slaveStore).length).toBeGreaterThan(0);
    expect(bodies(masterStore, 0).slice(-tail(slaveStore).length)).toEqual(tail(slaveStore));
  });

  it('drops the padding a Java master sends after an end-of-file blank', async () => {
    const { master, masterStore, slaveStore, start } = await setup();
    await putAll(masterStore, 0, 40, 'a');
    start();
    const conn = await master.conn(0);
    await conn.firstReport();
    const end = conn.sendLog(masterStore, 0, 900, true);
    await vi.waitFor(() => expect(slaveStore.maxPhyOffset).toBe(masterStore.maxPhyOffset), WAIT);
    expect(logBytes(slaveStore).equals(logBytes(masterStore))).toBe(true);
    await vi.waitFor(() => expect(conn.reports.at(-1)).toBe(end), WAIT);
  });

  it('reports again while idle, and counts lag while the master is ahead', async () => {
    const { master, masterStore, start } = await setup();
    await putAll(masterStore, 0, 5, 'a');
    const slave = start();
    const conn = await master.conn(0);
    await conn.firstReport();
    // Nothing sent: the slave still reports every haSendHeartbeatInterval.
    await vi.waitFor(() => expect(conn.reports.length).toBeGreaterThanOrEqual(3), WAIT);
    conn.heartbeat(0);
    const ahead = masterStore.maxPhyOffset;
    conn.send(0, masterStore.commitLog.read(0, 10)!); // part of a record: nothing to append yet
    await vi.waitFor(() => expect(slave.status().masterOffset).toBe(10), WAIT);
    expect(slave.status().lagBytes).toBe(10);
    expect(ahead).toBeGreaterThan(10);
  });

  it('reconnects after the master closes and goes on from its own end', async () => {
    const { master, masterStore, slaveStore, start } = await setup();
    await putAll(masterStore, 0, 30, 'a');
    start();
    const c0 = await master.conn(0);
    await c0.firstReport();
    const half = recordStart(masterStore, 15);
    c0.send(0, masterStore.commitLog.read(0, half)!);
    await vi.waitFor(() => expect(slaveStore.maxPhyOffset).toBe(half), WAIT);
    c0.socket.destroy();
    const c1 = await master.conn(1);
    const from = await c1.firstReport();
    // An overlap of its last records, asked for again: a record start below its end.
    expect(from).toBeLessThan(half);
    expect(from).toBeGreaterThan(0);
    c1.sendLog(masterStore, from);
    await vi.waitFor(() => expect(slaveStore.maxPhyOffset).toBe(masterStore.maxPhyOffset), WAIT);
    expect(logBytes(slaveStore).equals(logBytes(masterStore))).toBe(true);
    expect(slaves[0]!.status().truncatedBytes).toBe(0);
  });

  it('closes a link on which nothing was read for haHousekeepingInterval', async () => {
    const { master, start } = await setup({ haHousekeepingInterval: 500 });
    start();
    await master.conn(0);
    // The scripted master never writes: the slave gives up on the link and connects again.
    await master.conn(1);
    expect(master.conns.length).toBeGreaterThanOrEqual(2);
  });

  it('answers the challenge with haAuthToken, then replicates', async () => {
    const { master, masterStore, slaveStore, start } = await setup({ haAuthToken: 's3cret' });
    await putAll(masterStore, 0, 6, 'a');
    start();
    const conn = await master.conn(0);
    expect(await conn.firstReport()).toBe(0); // only counted once the response verified
    conn.sendLog(masterStore, 0);
    await vi.waitFor(() => expect(slaveStore.maxPhyOffset).toBe(masterStore.maxPhyOffset), WAIT);
  });

  it('says so in one line when a master sends no challenge, and retries', async () => {
    const lines: string[] = [];
    const { master, start } = await setup({
      haAuthToken: 's3cret',
      haHousekeepingInterval: 500,
      log: capturingLogger(lines),
    });
    master.challenge = false;
    start();
    await master.conn(2);
    const hint = 'set the same haAuthToken on the master';
    await vi.waitFor(() => expect(lines.some((l) => l.includes(hint))).toBe(true), WAIT);
    expect(lines.filter((l) => l.includes(hint))).toHaveLength(1); // once, not per retry
    expect(master.conns.every((c) => c.reports.length === 0)).toBe(true);
  });

  it('refuses corrupt bytes, appends nothing of them, and reconnects', async () => {
    const { master, masterStore, slaveStore, start } = await setup();
    await putAll(masterStore, 0, 3, 'a');
    start();
    const c0 = await master.conn(0);
    await c0.firstReport();
    const bytes = Buffer.from(masterStore.commitLog.read(0, masterStore.maxPhyOffset)!);
    const inBody = bytes.indexOf('a2 xxx') + 4;
    expect(inBody).toBeGreaterThan(4);
    bytes[inBody]! ^= 0xff; // the last record's body: its CRC no longer matches
    c0.send(0, bytes);
    const c1 = await master.conn(1);
    expect(await c1.firstReport()).toBe(slaveStore.maxPhyOffset);
    expect(slaveStore.maxPhyOffset).toBeLessThan(masterStore.maxPhyOffset);
  });

  it('truncates to a master that has less, and follows it from there', async () => {
    const { master, masterStore, slaveStore, start } = await setup();
    await putAll(masterStore, 0, 12, 'a');
    const common = masterStore.maxPhyOffset;
    await copyLog(masterStore, slaveStore, common);
    await putAll(slaveStore, 12, 20, 'lost'); // bytes only the slave has
    const slaveEnd = slaveStore.maxPhyOffset;
    const slave = start();
    const c0 = await master.conn(0);
    const from = await c0.firstReport();
    expect(from).toBeLessThan(common);
    c0.sendLog(masterStore, from);
    c0.heartbeat(common); // nothing past `common` on the master
    await vi.waitFor(() => expect(slaveStore.maxPhyOffset).toBe(common), WAIT);
    expect(slave.status()).toMatchObject({ truncatedBytes: slaveEnd - common });
    expect(slave.status().lastTruncatedAt).toBeDefined();
    await putAll(masterStore, 12, 14, 'new');
    c0.sendLog(masterStore, common);
    await vi.waitFor(() => expect(slaveStore.maxPhyOffset).toBe(masterStore.maxPhyOffset), WAIT);
    expect(logBytes(slaveStore).equals(logBytes(masterStore))).toBe(true);
    expect(bodies(slaveStore, 0)).toEqual(bodies(masterStore, 0));
  });

  it('truncates when a master answers a report past its end with its end', async () => {
    const { master, masterStore, slaveStore, start } = await setup({ overlapRecords: 2 });
    await putAll(masterStore, 0, 12, 'a');
    const common = masterStore.maxPhyOffset;
    await copyLog(masterStore, slaveStore, common);
    await putAll(slaveStore, 12, 20, 'lost');
    const slaveEnd = slaveStore.maxPhyOffset;
    const slave = start();
    const c0 = await master.conn(0);
    expect(await c0.firstReport()).toBeGreaterThan(common);
    c0.heartbeat(common); // what a KiteMQ master answers a slave beyond its end
    const c1 = await master.conn(1);
    const from = await c1.firstReport();
    expect(from).toBeLessThan(common);
    expect(slaveStore.maxPhyOffset).toBe(common);
    expect(slave.status().truncatedBytes).toBe(slaveEnd - common);
    c1.sendLog(masterStore, from);
    c1.heartbeat(common);
    await vi.waitFor(() => expect(c1.reports.at(-1)).toBe(common), WAIT);
    expect(slave.status().truncatedBytes).toBe(slaveEnd - common); // nothing more cut
  });

  it("cuts at the first record that differs from the master and takes the master's", async () => {
    const { master, masterStore, slaveStore, start } = await setup();
    await putAll(masterStore, 0, 12, 'a');
    const common = masterStore.maxPhyOffset;
    await copyLog(masterStore, slaveStore, common);
    await putAll(slaveStore, 12, 16, 'lost'); // the slave's tail the master never had
    await putAll(masterStore, 12, 20, 'new'); // the master's tail written after a failover
    const slaveEnd = slaveStore.maxPhyOffset;
    expect(slaveEnd).toBeLessThan(masterStore.maxPhyOffset); // same or shorter: no heartbeat hint
    const slave = start();
    const c0 = await master.conn(0);
    const from = await c0.firstReport();
    expect(from).toBeLessThan(common);
    c0.sendLog(masterStore, from, 300);
    await vi.waitFor(() => expect(slaveStore.maxPhyOffset).toBe(masterStore.maxPhyOffset), WAIT);
    expect(logBytes(slaveStore).equals(logBytes(masterStore))).toBe(true);
    expect(slave.status().truncatedBytes).toBe(slaveEnd - common);
    expect(bodies(slaveStore, 0)).toEqual(bodies(masterStore, 0));
    expect(bodies(slaveStore, 1).some((b) => b.startsWith('lost'))).toBe(false);
  });

  it('asks for a wider overlap when even its first record differs', async () => {
    const { master, masterStore, slaveStore, start } = await setup({ overlapRecords: 2 });
    await putAll(masterStore, 0, 12, 'a');
    const common = masterStore.maxPhyOffset;
    await copyLog(masterStore, slaveStore, common);
    await putAll(slaveStore, 12, 18, 'lost');
    await putAll(masterStore, 12, 30, 'new');
    const slaveEnd = slaveStore.maxPhyOffset;
    const slave = start();
    let served = 0;
    let last = -1;
    // Each connection is served from where it asks, until the slave holds the master's log.
    while (slaveStore.maxPhyOffset !== masterStore.maxPhyOffset && served < 6) {
      const c = await master.conn(served++);
      last = await c.firstReport();
      c.sendLog(masterStore, last);
      await vi.waitFor(
        () =>
          expect(
            master.conns.length > served || slaveStore.maxPhyOffset === masterStore.maxPhyOffset,
          ).toBe(true),
        WAIT,
      );
    }
    expect(served).toBeGreaterThanOrEqual(2); // the first overlap was too narrow
    expect(last).toBeLessThanOrEqual(common);
    expect(logBytes(slaveStore).equals(logBytes(masterStore))).toBe(true);
    expect(slave.status().truncatedBytes).toBe(slaveEnd - common);
  });
});
