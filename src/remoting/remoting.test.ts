// RemotingServer and RemotingClient over real loopback sockets (spec part 1 §1.9–§1.10): request and
// response matched by opaque, out-of-order answers, oneway silence, the generic error responses,
// a malformed frame closing only its own connection, timeouts (fake clock) and closing.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect, createServer, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProtocolError, RequestValidationError } from '../common/errors.js';
import { MAX_PENDING_REQUESTS_PER_CONNECTION } from '../common/limits.js';
import { silentLogger } from '../common/logger.js';
import { FrameDecoder } from '../protocol/frame.js';
import {
  createRequest,
  createResponse,
  decodeCommand,
  encodeCommand,
  type RemotingCommand,
  SerializeType,
} from '../protocol/remoting-command.js';
import { ResponseCode } from '../protocol/response-code.js';
import type { Connection } from './connection.js';
import { RemotingClosedError, RemotingConnectError, RemotingTimeoutError } from './errors.js';
import { RemotingClient } from './remoting-client.js';
import { RemotingServer } from './remoting-server.js';

const require = createRequire(import.meta.url);
const AliRemotingCommand = require('ali-ons/lib/protocol/command/remoting_command') as {
  decode(packet: Buffer): { code: number; opaque: number; extFields: Record<string, string> };
};

const CODE_ECHO = 34;
const CODE_DELAYED = 310;
const CODE_NEVER = 11;
const CODE_KITE_ERROR = 17;
const CODE_PLAIN_ERROR = 35;
const CODE_PROTOCOL_ERROR = 15;
const CODE_ONEWAY_SINK = 38;

function golden(name: string): Buffer {
  const g = JSON.parse(
    readFileSync(new URL(`../protocol/golden/${name}`, import.meta.url), 'utf8'),
  ) as { hex: string };
  return Buffer.from(g.hex, 'hex');
}

async function until(cond: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

/** A bare socket that records the frames the server writes back. */
class RawPeer {
  readonly frames: RemotingCommand[] = [];
  closed = false;
  private readonly decoder = new FrameDecoder();
  readonly socket: Socket;
  constructor(port: number) {
    this.socket = connect({ host: '127.0.0.1', port });
    this.socket.on('data', (c) => {
      for (const f of this.decoder.push(c)) this.frames.push(decodeCommand(f));
    });
    this.socket.on('error', () => {});
    this.socket.on('close', () => {
      this.closed = true;
    });
  }
  ready(): Promise<void> {
    return new Promise((resolve) => this.socket.once('connect', () => resolve()));
  }
  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }
  destroy(): void {
    this.socket.destroy();
  }
}

describe('RemotingServer + RemotingClient on loopback', () => {
  let server: RemotingServer;
  let client: RemotingClient;
  let addr: string;
  let port: number;
  const peers: RawPeer[] = [];
  const calls: RemotingCommand[] = [];
  let neverAnswered: RemotingCommand[];
  /** Delayed requests whose answer the server has written (late or not). */
  let delayedAnswered: number;

  function peer(): RawPeer {
    const p = new RawPeer(port);
    peers.push(p);
    return p;
  }

  beforeEach(async () => {
    calls.length = 0;
    neverAnswered = [];
    delayedAnswered = 0;
    server = new RemotingServer(silentLogger());
    server.registerProcessor(CODE_ECHO, (req) => {
      calls.push(req);
      return createResponse(req, ResponseCode.SUCCESS, 'echo', { ...req.extFields }, req.body);
    });
    server.registerProcessor(CODE_DELAYED, async (req) => {
      await new Promise((r) => setTimeout(r, Number(req.extFields.delayMs ?? 0)));
      delayedAnswered++; // the server writes the answer in this turn, before until() looks again
      return createResponse(req, ResponseCode.SUCCESS, undefined, { id: req.extFields.id });
    });
    server.registerProcessor(CODE_NEVER, (req) => {
      neverAnswered.push(req);
      return new Promise<RemotingCommand | null>(() => {});
    });
    server.registerProcessor(CODE_KITE_ERROR, async (req) => {
      throw new RequestValidationError(ResponseCode.MESSAGE_ILLEGAL, `bad message ${req.opaque}`);
    });
    server.registerProcessor(CODE_PLAIN_ERROR, () => {
      throw new TypeError('boom');
    });
    server.registerProcessor(CODE_PROTOCOL_ERROR, () => {
      throw new ProtocolError('not for the wire');
    });
    server.registerProcessor(CODE_ONEWAY_SINK, (req) => {
      calls.push(req);
      return createResponse(req, ResponseCode.SUCCESS);
    });
    port = await server.listen(0, '127.0.0.1');
    addr = `127.0.0.1:${port}`;
    client = new RemotingClient(silentLogger());
  });

  afterEach(async () => {
    vi.useRealTimers();
    for (const p of peers.splice(0)) p.destroy();
    client.close();
    await server.close();
  });

  it('answers a request with the response carrying its opaque', async () => {
    {
      const req = createRequest(CODE_ECHO, 0, { topic: 'T', n: 3 }, Buffer.from('订单'));
      const res = await client.invoke(addr, req);
      expect(res.code).toBe(ResponseCode.SUCCESS);
      expect(res.opaque).toBe(req.opaque);
      expect(res.opaque).toBeGreaterThan(0);
      expect(res.flag & 1).toBe(1);
      expect(res.remark).toBe('echo');
      expect(res.extFields).toEqual({ topic: 'T', n: '3' });
      expect(res.body?.toString('utf8')).toBe('订单');
      expect(res.language).toBe('JAVA');
    }
  });

  it('a ROCKETMQ client sends binary headers and gets its answers, errors included, in binary', async () => {
    const binary = new RemotingClient(silentLogger(), undefined, undefined, 'ROCKETMQ');
    try {
      const res = await binary.invoke(addr, createRequest(CODE_ECHO, 0, { topic: 'T' }));
      expect(calls.at(-1)!.serializeType).toBe(SerializeType.ROCKETMQ);
      expect([res.serializeType, res.extFields]).toEqual([SerializeType.ROCKETMQ, { topic: 'T' }]);
      const failed = await binary.invoke(addr, createRequest(CODE_PLAIN_ERROR, 0));
      expect([failed.serializeType, failed.code]).toEqual([
        SerializeType.ROCKETMQ,
        ResponseCode.SYSTEM_ERROR,
      ]);
      const json = await client.invoke(addr, createRequest(CODE_ECHO, 0));
      expect(calls.at(-1)!.serializeType).toBeUndefined();
      expect(json.serializeType).toBeUndefined();
    } finally {
      binary.close();
    }
  });

  it('reuses one connection per address', async () => {
    await client.invoke(addr, createRequest(CODE_ECHO, 0));
    await client.invoke(addr, createRequest(CODE_ECHO, 0));
    await Promise.all([
      client.invoke(addr, createRequest(CODE_ECHO, 0)),
      client.invoke(addr, createRequest(CODE_ECHO, 0)),
    ]);
    expect(server.connectionCount).toBe(1);
  });

  it('matches responses that come back out of order', async () => {
    const order: string[] = [];
    const send = (id: string, delayMs: number) =>
      client.invoke(addr, createRequest(CODE_DELAYED, 0, { id, delayMs })).then((res) => {
        order.push(res.extFields.id!);
        return res;
      });
    const results = await Promise.all([send('slow', 150), send('fast', 0), send('mid', 60)]);
    expect(results.map((r) => r.extFields.id)).toEqual(['slow', 'fast', 'mid']);
    expect(order).toEqual(['fast', 'mid', 'slow']);
  });

  it('sends nothing back for a oneway request, even when the processor returns a response', async () => {
    const p = peer();
    await p.ready();
    const oneway = createRequest(CODE_ONEWAY_SINK, 101, { k: 'v' }, undefined, true);
    const unknownOneway = createRequest(999, 102, {}, undefined, true);
    const failingOneway = createRequest(CODE_PLAIN_ERROR, 103, {}, undefined, true);
    const sync = createRequest(CODE_ECHO, 104);
    p.write(Buffer.concat([oneway, unknownOneway, failingOneway, sync].map(encodeCommand)));
    await until(() => p.frames.length >= 1, 'the sync response');
    await new Promise((r) => setTimeout(r, 50));
    expect(p.frames.map((f) => f.opaque)).toEqual([104]);
    expect(calls.map((c) => c.code)).toEqual([CODE_ONEWAY_SINK, CODE_ECHO]);
  });

  it('delivers RemotingClient.invokeOneway to the processor with the oneway bit set', async () => {
    await client.invokeOneway(addr, createRequest(CODE_ONEWAY_SINK, 0, { a: '1' }));
    await until(() => calls.length === 1, 'the oneway request');
    expect(calls[0]!.flag & 2).toBe(2);
    expect(calls[0]!.extFields).toEqual({ a: '1' });
  });

  it('answers an unknown code with REQUEST_CODE_NOT_SUPPORTED naming the code', async () => {
    const res = await client.invoke(addr, createRequest(4242, 0));
    expect(res.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    expect(res.code).toBe(3);
    expect(res.remark).toBe(' request type 4242 not supported');
  });

  it('answers a KiteError from a processor with its code and remark', async () => {
    const req = createRequest(CODE_KITE_ERROR, 0);
    const res = await client.invoke(addr, req);
    expect(res.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect(res.remark).toBe(`bad message ${req.opaque}`);
  });

  it('answers any other throw with SYSTEM_ERROR and the error text', async () => {
    const res = await client.invoke(addr, createRequest(CODE_PLAIN_ERROR, 0));
    expect(res.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(res.remark).toBe('TypeError: boom');
  });

  it('answers a protocol-family KiteError thrown by a processor with SYSTEM_ERROR', async () => {
    const res = await client.invoke(addr, createRequest(CODE_PROTOCOL_ERROR, 0));
    expect(res.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(res.remark).toContain('not for the wire');
  });

  it('answers SYSTEM_BUSY once a connection has the maximum of requests in flight', async () => {
    const p = peer();
    await p.ready();
    const frames: Buffer[] = [];
    for (let i = 1; i <= MAX_PENDING_REQUESTS_PER_CONNECTION + 1; i++) {
      frames.push(encodeCommand(createRequest(CODE_NEVER, i)));
    }
    p.write(Buffer.concat(frames));
    await until(() => p.frames.length === 1, 'the SYSTEM_BUSY answer');
    expect(neverAnswered).toHaveLength(MAX_PENDING_REQUESTS_PER_CONNECTION);
    expect(p.frames[0]!.code).toBe(ResponseCode.SYSTEM_BUSY);
    expect(p.frames[0]!.opaque).toBe(MAX_PENDING_REQUESTS_PER_CONNECTION + 1);
    expect(p.frames[0]!.remark).toMatch(/^\[OVERLOAD\]system busy/);
    // Other connections are not affected.
    expect((await client.invoke(addr, createRequest(CODE_ECHO, 0))).code).toBe(0);
  });

  it.each([
    ['a negative length prefix', Buffer.from([0xff, 0xff, 0xff, 0xff])],
    ['an oversize length prefix', Buffer.from([0x7f, 0xff, 0xff, 0xff])],
    [
      'a header that is not JSON',
      Buffer.concat([Buffer.from('0000000800000004', 'hex'), Buffer.from('zzzz')]),
    ],
    ['an unknown serialize type', Buffer.from('00000006050000027b7d', 'hex')],
  ])('closes a connection that sends %s and keeps serving the others', async (_name, bad) => {
    await client.invoke(addr, createRequest(CODE_ECHO, 0));
    const victim = peer();
    const bystander = peer();
    await Promise.all([victim.ready(), bystander.ready()]);
    await until(() => server.connectionCount === 3, 'three connections');
    victim.write(bad);
    await until(() => victim.closed, 'the server to close the bad connection');
    await until(() => server.connectionCount === 2, 'the server to forget it');
    bystander.write(encodeCommand(createRequest(CODE_ECHO, 77)));
    await until(() => bystander.frames.length === 1, 'the bystander response');
    expect(bystander.frames[0]!.opaque).toBe(77);
    expect((await client.invoke(addr, createRequest(CODE_ECHO, 0))).code).toBe(0);
  });

  it('decodes frames that arrive one byte at a time', async () => {
    const p = peer();
    await p.ready();
    const bytes = encodeCommand(createRequest(CODE_ECHO, 9, { x: '订单' }, Buffer.from('body')));
    for (let i = 0; i < bytes.length; i++) {
      p.write(bytes.subarray(i, i + 1));
      if (i % 16 === 0) await new Promise((r) => setImmediate(r));
    }
    await until(() => p.frames.length === 1, 'the response');
    expect(p.frames[0]!.extFields).toEqual({ x: '订单' });
    expect(p.frames[0]!.body?.toString()).toBe('body');
  });

  it('serves the golden ali-ons frame and answers in a form ali-ons decodes', async () => {
    server.registerProcessor(310, (req) =>
      createResponse(req, ResponseCode.SUCCESS, undefined, {
        queueId: req.extFields.e,
        topic: req.extFields.b,
      }),
    );
    const p = peer();
    await p.ready();
    const chunks: Buffer[] = [];
    p.socket.on('data', (c) => chunks.push(c));
    p.write(golden('ali-ons-send-message-v2.json'));
    await until(() => p.frames.length === 1, 'the response');
    const ali = AliRemotingCommand.decode(Buffer.concat(chunks));
    expect(ali.opaque).toBe(42);
    expect(ali.extFields).toEqual({ queueId: '3', topic: 'TopicTest' });
  });

  it('serves a C++-style header with a trailing newline', async () => {
    const p = peer();
    await p.ready();
    const json = Buffer.from(
      '{"code":34,"extFields":{"AccessKey":""},"flag":0,"language":"CPP","opaque":5,"remark":"","version":400}\n',
    );
    const prefix = Buffer.alloc(8);
    prefix.writeInt32BE(4 + json.length, 0);
    prefix.writeInt32BE(json.length, 4);
    p.write(Buffer.concat([prefix, json]));
    await until(() => p.frames.length === 1, 'the response');
    expect(p.frames[0]!.opaque).toBe(5);
    expect(p.frames[0]!.extFields).toEqual({ AccessKey: '' });
  });

  it('rejects a request that gets no answer in time with RemotingTimeoutError (fake clock)', async () => {
    await client.invoke(addr, createRequest(CODE_ECHO, 0)); // connect with real timers
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const pending = client.invoke(addr, createRequest(CODE_NEVER, 0), 3_000);
    const outcome = pending.then(
      () => 'resolved',
      (err: unknown) => err,
    );
    await until(() => neverAnswered.length === 1, 'the server to receive the request');
    vi.advanceTimersByTime(2_999);
    await Promise.resolve();
    expect(neverAnswered).toHaveLength(1);
    vi.advanceTimersByTime(1);
    const err = await outcome;
    expect(err).toBeInstanceOf(RemotingTimeoutError);
    expect((err as RemotingTimeoutError).responseCode).toBe(-1002);
    expect((err as Error).message).toContain('PULL_MESSAGE');
    expect((err as Error).message).toContain('3000 ms');
  });

  it('times each request out at its own deadline, a shorter one sent later first', async () => {
    await client.invoke(addr, createRequest(CODE_ECHO, 0));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const settled: string[] = [];
    const track = (name: string, p: Promise<unknown>) =>
      p.then(
        () => settled.push(`${name} resolved`),
        (e: unknown) => settled.push(`${name} ${(e as Error).name}`),
      );
    const long = track('long', client.invoke(addr, createRequest(CODE_NEVER, 0), 3_000));
    const short = track('short', client.invoke(addr, createRequest(CODE_NEVER, 0), 1_000));
    await until(() => neverAnswered.length === 2, 'the server to receive both');
    await vi.advanceTimersByTimeAsync(1_000);
    await short;
    expect(settled).toEqual(['short RemotingTimeoutError']);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(settled).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await long;
    expect(settled).toEqual(['short RemotingTimeoutError', 'long RemotingTimeoutError']);
  });

  it('ignores a late response to a timed-out request and keeps the connection usable', async () => {
    let accepted = 0;
    server.on('connection', () => accepted++);
    const res = client.invoke(
      addr,
      createRequest(CODE_DELAYED, 0, { id: 'late', delayMs: 200 }),
      20,
    );
    await expect(res).rejects.toBeInstanceOf(RemotingTimeoutError);
    // Once the late answer is written, the next answer on the socket comes after it.
    await until(() => delayedAnswered === 1, 'the late answer', 15_000);
    const ok = await client.invoke(addr, createRequest(CODE_ECHO, 0));
    expect(ok.code).toBe(0);
    expect(accepted).toBe(1); // the same connection answered, no reconnect
    expect(server.connectionCount).toBe(1);
  });

  it('rejects pending requests with RemotingClosedError when the client closes', async () => {
    const a = client.invoke(addr, createRequest(CODE_NEVER, 0));
    const b = client.invoke(addr, createRequest(CODE_NEVER, 0));
    await until(() => neverAnswered.length === 2, 'both requests to arrive');
    client.close();
    for (const p of [a, b]) {
      const err = await p.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RemotingClosedError);
      expect((err as RemotingClosedError).responseCode).toBe(-1000);
    }
    await expect(client.invoke(addr, createRequest(CODE_ECHO, 0))).rejects.toBeInstanceOf(
      RemotingConnectError,
    );
  });

  it('rejects pending requests when the server goes away', async () => {
    const a = client.invoke(addr, createRequest(CODE_NEVER, 0));
    await until(() => neverAnswered.length === 1, 'the request to arrive');
    await server.close();
    await expect(a).rejects.toBeInstanceOf(RemotingClosedError);
  });

  it('reconnects after closeConnection and does not leak the replaced connection', async () => {
    await client.invoke(addr, createRequest(CODE_ECHO, 0));
    client.closeConnection(addr);
    await client.invoke(addr, createRequest(CODE_ECHO, 0));
    await client.invoke(addr, createRequest(CODE_ECHO, 0));
    await until(() => server.connectionCount === 1, 'one live connection');
    await new Promise((r) => setTimeout(r, 50));
    expect(server.connectionCount).toBe(1);
    client.close();
    await until(() => server.connectionCount === 0, 'the client to close every connection');
  });

  it('listenPair(0) binds a free port p and p-2 itself, both serving', async () => {
    const pair = new RemotingServer(silentLogger());
    pair.registerProcessor(CODE_ECHO, (req) => createResponse(req, ResponseCode.SUCCESS));
    try {
      const p = await pair.listenPair(0, 2, '127.0.0.1', 50);
      expect(p).toBeGreaterThan(2);
      for (const q of [p, p - 2]) {
        const r = await client.invoke(`127.0.0.1:${q}`, createRequest(CODE_ECHO, 0));
        expect(r.code).toBe(ResponseCode.SUCCESS);
      }
      // Taken ports fail as for listen(): the caller's error names the port.
      const err = await server.listenPair(p, 2, '127.0.0.1', 50).catch((e: unknown) => e);
      expect((err as { code?: string }).code).toBe('EADDRINUSE');
    } finally {
      await pair.close();
    }
  });

  it('fails to connect to a closed port with RemotingConnectError', async () => {
    const probe = createServer();
    const freePort = await new Promise<number>((resolve) =>
      probe.listen(0, '127.0.0.1', () => {
        const a = probe.address();
        resolve(typeof a === 'object' && a ? a.port : 0);
      }),
    );
    await new Promise<void>((r) => probe.close(() => r()));
    const err = await client
      .invoke(`127.0.0.1:${freePort}`, createRequest(CODE_ECHO, 0))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemotingConnectError);
    expect((err as RemotingConnectError).responseCode).toBe(-1001);
  });

  it('lets the server send a request to the client over the same connection', async () => {
    const seen: RemotingCommand[] = [];
    const c2 = new RemotingClient(silentLogger(), (cmd, conn) => {
      seen.push(cmd);
      conn.send(createResponse(cmd, ResponseCode.SUCCESS, undefined, { echoed: cmd.extFields.g }));
    });
    let serverSide: Connection | undefined;
    server.registerProcessor(CODE_ECHO, (req, conn) => {
      serverSide = conn;
      return createResponse(req, ResponseCode.SUCCESS);
    });
    try {
      await c2.invoke(addr, createRequest(CODE_ECHO, 0));
      const res = await serverSide!.invoke(createRequest(40, 0, { g: 'CID' }), 2_000);
      expect(seen.map((c) => c.code)).toEqual([40]);
      expect(seen[0]!.opaque).toBeGreaterThan(0); // never 0: ali-ons would replace it
      expect(res.extFields).toEqual({ echoed: 'CID' });
    } finally {
      c2.close();
    }
  });
});
