// SYNC_MASTER's wait (4.x meaning): SEND_OK only once a slave has the bytes; no slave in sync
// answers SLAVE_NOT_AVAILABLE at once, no ack in slaveTimeout FLUSH_SLAVE_TIMEOUT; one ack
// releases every put below it. First on its own, then through a real store and HA socket.
import { afterEach, describe, expect, it } from 'vitest';
import { MessageConst } from '../../message/message.js';
import { PutMessageStatus } from '../../store/status.js';
import { OpenStores, TempDirs, testMessage } from '../../store/store.fixture.js';
import { GroupTransferService, type ReplicaView } from './group-transfer.js';
import { eventually, HaBed } from './ha-raw-client.fixture.js';

class View implements ReplicaView {
  slaves = 1;
  acked = 0;
  end = 0;
  inSyncCount = () => this.slaves;
  ackedOffset = () => this.acked;
  writtenEnd = () => this.end;
}

const services: GroupTransferService[] = [];
function service(view: ReplicaView, slaveTimeoutMs = 60_000, maxGapNotInSync = 1 << 30) {
  const s = new GroupTransferService(view, { slaveTimeoutMs, maxGapNotInSync });
  services.push(s);
  return s;
}

const dirs = new TempDirs('kitemq-sync-');
const stores = new OpenStores();
const bed = new HaBed();
afterEach(async () => {
  for (const s of services.splice(0)) s.close();
  await bed.closeAll();
  await stores.closeAll();
  dirs.removeAll();
});

/** Which of the promises have settled, and how. */
function track<T>(ps: Promise<T>[]): (T | 'pending')[] {
  const out: (T | 'pending')[] = ps.map(() => 'pending');
  ps.forEach((p, i) => void p.then((v) => (out[i] = v)));
  return out;
}

describe('GroupTransferService', () => {
  it('releases every wait at or below an ack, in any order they came, and no other', async () => {
    const v = new View();
    v.end = 1000;
    const g = service(v);
    const ends = [300, 100, 700, 200, 1000, 500];
    const got = track(ends.map((e) => g.waiter(e)));
    g.acked(500);
    await eventually(() => got.filter((x) => x !== 'pending').length === 4);
    const ok = PutMessageStatus.PUT_OK;
    expect(got).toEqual([ok, ok, 'pending', ok, 'pending', ok]);
    expect(g.pending).toBe(2);
    g.acked(1000);
    await eventually(() => !got.includes('pending'));
    expect(got).toEqual(ends.map(() => ok));
  });

  it('keeps the heap order over many shuffled waits and acks', async () => {
    const v = new View();
    v.end = 1 << 20;
    const g = service(v);
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const ends = Array.from({ length: 300 }, () => 1 + Math.floor(rnd() * 10_000));
    const got = track(ends.map((e) => g.waiter(e)));
    let released = 0;
    for (const ack of [700, 2_500, 2_400, 6_000, 9_000]) {
      g.acked(ack);
      await new Promise((r) => setImmediate(r));
      released = Math.max(released, ack); // a lower ack takes nothing back
      expect(got).toEqual(ends.map((e) => (e <= released ? PutMessageStatus.PUT_OK : 'pending')));
    }
  });

  it('answers at once: SLAVE_NOT_AVAILABLE with no slave or one too far behind, else PUT_OK if acked', async () => {
    const v = new View();
    v.end = 10_000;
    v.acked = 5_000; // exactly haMaxGapNotInSync behind: still in sync
    const g = service(v, 60_000, 5_000);
    expect(await g.waiter(3_000)).toBe(PutMessageStatus.PUT_OK);
    expect(g.pending).toBe(0);
    v.slaves = 0;
    expect(await g.waiter(10_000)).toBe(PutMessageStatus.SLAVE_NOT_AVAILABLE);
    v.slaves = 1;
    v.acked = 4_000; // 6000 behind, more than the 5000 allowed
    expect(await g.waiter(10_000)).toBe(PutMessageStatus.SLAVE_NOT_AVAILABLE);
    expect(g.pending).toBe(0);
  });

  it('answers FLUSH_SLAVE_TIMEOUT when no ack comes within slaveTimeout', async () => {
    const v = new View();
    v.end = 100;
    const g = service(v, 50);
    const got = track([g.waiter(50), g.waiter(100)]);
    await eventually(() => !got.includes('pending'));
    expect(got).toEqual([
      PutMessageStatus.FLUSH_SLAVE_TIMEOUT,
      PutMessageStatus.FLUSH_SLAVE_TIMEOUT,
    ]);
    g.acked(100); // a late ack changes nothing
    expect(g.pending).toBe(0);
  });

  it('answers the open waits when it closes, and every later one SLAVE_NOT_AVAILABLE', async () => {
    const v = new View();
    v.end = 100;
    const g = service(v);
    const open = g.waiter(100);
    g.close();
    expect(await open).toBe(PutMessageStatus.FLUSH_SLAVE_TIMEOUT);
    expect(await g.waiter(100)).toBe(PutMessageStatus.SLAVE_NOT_AVAILABLE);
  });
});

describe('SYNC_MASTER puts through the store', () => {
  async function syncMaster(slaveTimeoutMs = 60_000) {
    const store = await stores.open(dirs.make());
    const m = await bed.master(store, { role: 'SYNC_MASTER', slaveTimeoutMs });
    return { store, m };
  }

  it('answers SLAVE_NOT_AVAILABLE with no slave, but PUT_OK for WAIT=false', async () => {
    const { store } = await syncMaster();
    expect((await store.putMessage(testMessage())).status).toBe(
      PutMessageStatus.SLAVE_NOT_AVAILABLE,
    );
    const noWait = testMessage({ properties: { [MessageConst.WAIT]: 'false' } });
    expect((await store.putMessage(noWait)).status).toBe(PutMessageStatus.PUT_OK);
  });

  it('answers PUT_OK once the slave acks, for puts in flight together', async () => {
    const { store, m } = await syncMaster();
    const c = await bed.client(m);
    c.autoAck = true;
    c.report(0);
    expect(await eventually(() => m.status().slaves.length === 1)).toBe(true);
    const puts = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.putMessage(testMessage({ queueId: i % 4 }))),
    );
    expect(puts.map((p) => p.status)).toEqual(puts.map(() => PutMessageStatus.PUT_OK));
    expect(m.status().push2SlaveMaxOffset).toBe(store.maxPhyOffset);
    expect(c.data().bytes.length).toBe(store.maxPhyOffset);
  });

  it('answers FLUSH_SLAVE_TIMEOUT when the slave reads but never acks', async () => {
    const { store, m } = await syncMaster(200);
    const c = await bed.client(m);
    c.report(0);
    expect(await eventually(() => m.status().slaves.length === 1)).toBe(true);
    const r = await store.putMessage(testMessage());
    expect(r.status).toBe(PutMessageStatus.FLUSH_SLAVE_TIMEOUT);
    expect(r.appendResult).toBeDefined(); // stored all the same
    expect(await eventually(() => c.data().bytes.length === store.maxPhyOffset)).toBe(true);
  });
});
