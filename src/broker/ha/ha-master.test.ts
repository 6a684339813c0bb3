// The master's HA link over a real socket and a real store: where the transfer starts, frames of
// at most one batch that rebuild the log byte for byte, the wake on new writes, heartbeats, acks
// and lag, the housekeeping close, a diverged slave, and the opt-in authentication.
import { afterEach, describe, expect, it } from 'vitest';
import {
  decodeAuthChallenge,
  encodeAuthResponse,
  encodeSlaveReport,
  HA_CHALLENGE_BYTES,
} from '../../protocol/ha.js';
import type { MessageStore } from '../../store/message-store.js';
import { OpenStores, TempDirs, testMessage } from '../../store/store.fixture.js';
import { eventually, HaBed } from './ha-raw-client.fixture.js';

const dirs = new TempDirs('kitemq-hamaster-');
const stores = new OpenStores();
const bed = new HaBed();
afterEach(async () => {
  await bed.closeAll();
  await stores.closeAll();
  dirs.removeAll();
});

const SEGMENT = 64 * 1024;

/** A store whose log has rolled into a second segment (n puts of about 3 KB at least). */
async function filled(minBytes = SEGMENT + 5000): Promise<MessageStore> {
  const store = await stores.open(dirs.make());
  const body = Buffer.alloc(3000, 5);
  while (store.maxPhyOffset < minBytes) await store.putMessage(testMessage({ body }));
  return store;
}

/** The log as a Java master lays it out: closed segments run to their end (zeros after the blank). */
function logAsShipped(store: MessageStore, from: number): Buffer {
  const parts: Buffer[] = [];
  for (const f of store.commitLog.queue.files) {
    const closed = f !== store.commitLog.queue.last;
    const seg = Buffer.alloc(closed ? f.fileSize : f.wrotePosition);
    f.read(0, f.wrotePosition).copy(seg, 0);
    parts.push(seg);
  }
  return Buffer.concat(parts).subarray(from - store.minPhyOffset);
}

describe('HA master: the transfer', () => {
  it('gives an empty slave the whole history, in frames of at most one batch', async () => {
    const store = await filled();
    const m = await bed.master(store, { transferBatchSize: 4096 });
    const c = await bed.client(m);
    c.report(0);
    const end = store.maxPhyOffset;
    expect(await eventually(() => c.data().bytes.length >= end)).toBe(true);
    const { from, bytes } = c.data();
    expect(from).toBe(0);
    expect(bytes.equals(logAsShipped(store, 0))).toBe(true);
    expect(Math.max(...c.frames.map((f) => f.body.length))).toBe(4096);
    // Frames are contiguous and none crosses a segment end.
    let at = 0;
    for (const f of c.frames.filter((x) => x.body.length > 0)) {
      expect(f.offset).toBe(at);
      expect(Math.floor(f.offset / SEGMENT)).toBe(Math.floor((at + f.body.length - 1) / SEGMENT));
      at += f.body.length;
    }
  });

  it('starts an empty slave at the last segment with haSyncFromLastFile', async () => {
    const store = await filled();
    const m = await bed.master(store, { syncFromLastFile: true });
    const c = await bed.client(m);
    c.report(0);
    expect(await eventually(() => c.data().bytes.length >= store.maxPhyOffset - SEGMENT)).toBe(
      true,
    );
    expect(c.data().from).toBe(SEGMENT);
    expect(c.data().bytes.equals(logAsShipped(store, SEGMENT))).toBe(true);
  });

  it('continues from the offset a slave reports first, and sends new writes as they land', async () => {
    const store = await filled(8000);
    const start = (await store.putMessage(testMessage())).appendResult!.wroteOffset;
    const m = await bed.master(store);
    const c = await bed.client(m);
    c.report(start);
    expect(await eventually(() => c.data().bytes.length === store.maxPhyOffset - start)).toBe(true);
    expect(c.data().from).toBe(start);
    await store.putMessage(testMessage({ body: Buffer.from('later') }));
    expect(await eventually(() => c.data().bytes.length === store.maxPhyOffset - start)).toBe(true);
    expect(c.data().bytes.equals(logAsShipped(store, start))).toBe(true);
  });

  it('sends heartbeats carrying the next offset while idle', async () => {
    const store = await filled(5000);
    const m = await bed.master(store, { heartbeatIntervalMs: 100 });
    const c = await bed.client(m);
    c.report(0);
    expect(await eventually(() => c.heartbeats().length >= 2)).toBe(true);
    for (const h of c.heartbeats()) expect(h.offset).toBe(store.maxPhyOffset);
  });

  it('counts each report as an ack: push2SlaveMaxOffset, lag in bytes and caught-up lag 0', async () => {
    const store = await filled(5000);
    const m = await bed.master(store);
    const c = await bed.client(m);
    c.report(0);
    expect(await eventually(() => m.status().slaves.length === 1)).toBe(true);
    const end = store.maxPhyOffset;
    expect(m.status().slaves[0]).toMatchObject({ ackOffset: 0, lagBytes: end });
    expect(m.status().slaves[0]!.lagMs).toBeGreaterThanOrEqual(0);
    c.report(end);
    expect(await eventually(() => m.status().push2SlaveMaxOffset === end)).toBe(true);
    expect(m.status().slaves[0]).toMatchObject({ ackOffset: end, lagBytes: 0, lagMs: 0 });
    expect(m.status().role).toBe('ASYNC_MASTER');
    expect(m.status().haServerAddr).toBe(`127.0.0.1:${m.port}`);
  });

  it('closes a link that stays silent for haHousekeepingInterval', async () => {
    const store = await filled(5000);
    const m = await bed.master(store, { housekeepingIntervalMs: 300 });
    const c = await bed.client(m);
    c.report(0);
    expect(await eventually(() => c.closed)).toBe(true);
    expect(m.status().slaves).toEqual([]);
  });

  it('answers a slave ahead of it with heartbeats at its own end, and ignores its acks', async () => {
    const store = await filled(5000);
    const end = store.maxPhyOffset;
    const m = await bed.master(store, { heartbeatIntervalMs: 100 });
    const c = await bed.client(m);
    c.report(end + 500);
    expect(await eventually(() => c.heartbeats().length >= 2)).toBe(true);
    for (const h of c.heartbeats()) expect(h.offset).toBe(end);
    expect(c.data().bytes.length).toBe(0);
    expect(m.status().push2SlaveMaxOffset).toBe(0);
    // It truncated to the master's end and says so: the transfer resumes from there.
    await store.putMessage(testMessage());
    c.report(end);
    expect(await eventually(() => c.data().bytes.length === store.maxPhyOffset - end)).toBe(true);
    expect(c.data().from).toBe(end);
    expect(m.status().push2SlaveMaxOffset).toBe(end);
  });
});

describe('HA master: the port', () => {
  it('fails to start with one line naming haListenPort when the port is taken', async () => {
    const store = await filled(5000);
    const m = await bed.master(store);
    await expect(bed.master(store, { listenPort: m.port })).rejects.toThrow(
      new RegExp(`^haListenPort ${m.port} on 127.0.0.1 is already in use; set haListenPort`),
    );
  });
});

describe('HA master: haAuthToken', () => {
  const token = 'secret-of-the-replica-set';

  it('serves a slave that answers the challenge, then speaks the classic protocol', async () => {
    const store = await filled(5000);
    const m = await bed.master(store, { authToken: token });
    const c = await bed.client(m, false);
    expect(await eventually(() => c.raw.length >= HA_CHALLENGE_BYTES)).toBe(true);
    const nonce = decodeAuthChallenge(c.raw)!;
    expect(nonce).toBeDefined();
    c.send(Buffer.concat([encodeAuthResponse(token, nonce), encodeSlaveReport(0)]));
    c.startFraming(HA_CHALLENGE_BYTES);
    expect(await eventually(() => c.data().bytes.length === store.maxPhyOffset)).toBe(true);
    expect(c.closed).toBe(false);
  });

  it('cuts off a classic slave that reports without answering', async () => {
    const store = await filled(5000);
    const m = await bed.master(store, { authToken: token });
    const c = await bed.client(m, false);
    c.report(0);
    expect(await eventually(() => c.closed)).toBe(true);
    expect(c.raw.length).toBe(HA_CHALLENGE_BYTES); // the challenge, never a byte of the log
  });

  it('cuts off a slave with another token, and one that never answers', async () => {
    const store = await filled(5000);
    const m = await bed.master(store, { authToken: token, housekeepingIntervalMs: 300 });
    const wrong = await bed.client(m, false);
    expect(await eventually(() => wrong.raw.length >= HA_CHALLENGE_BYTES)).toBe(true);
    const nonce = decodeAuthChallenge(wrong.raw)!;
    wrong.send(Buffer.concat([encodeAuthResponse('another token', nonce), encodeSlaveReport(0)]));
    const mute = await bed.client(m, false);
    expect(await eventually(() => wrong.closed && mute.closed)).toBe(true);
    expect(wrong.raw.length).toBe(HA_CHALLENGE_BYTES);
    expect(mute.raw.length).toBe(HA_CHALLENGE_BYTES);
  });

  it('sends no challenge without a token: the first bytes are a transfer header', async () => {
    const store = await filled(5000);
    const m = await bed.master(store);
    const c = await bed.client(m);
    c.report(0);
    expect(await eventually(() => c.frames.length > 0)).toBe(true);
    expect(c.raw.readBigInt64BE(0)).toBe(0n);
    expect(c.raw.readInt32BE(8)).toBe(c.frames[0]!.body.length);
  });
});
