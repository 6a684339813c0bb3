// NamesrvRegistration against in-process name servers over loopback: a change a request publishes
// is registered before the promise resolves, changes of one turn share a REGISTER_BROKER, a change
// nobody publishes is still pushed, and a silent name server is named once the wait bound passes.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseBrokerConfig } from '../common/config/broker-config.js';
import { TOPIC_CHANGE_REGISTER_WAIT_MS } from '../common/limits.js';
import { silentLogger } from '../common/logger.js';
import { createResponse } from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import { RemotingClient } from '../remoting/remoting-client.js';
import { RemotingServer } from '../remoting/remoting-server.js';
import { TopicConfigManager } from './managers/topic-config-manager.js';
import { NamesrvRegistration } from './namesrv-registration.js';

/** A name server that records each registration's topic names and answers SUCCESS. */
class RecordingNamesrv {
  readonly server = new RemotingServer(silentLogger());
  readonly registrations: string[][] = [];
  addr = '';

  async start(): Promise<void> {
    this.server.registerProcessor(RequestCode.REGISTER_BROKER, (req) => {
      const body = JSON.parse(req.body?.toString('utf8') ?? '{}') as {
        topicConfigSerializeWrapper: { topicConfigTable: Record<string, unknown> };
      };
      this.registrations.push(Object.keys(body.topicConfigSerializeWrapper.topicConfigTable));
      return createResponse(req, ResponseCode.SUCCESS);
    });
    this.addr = `127.0.0.1:${await this.server.listen(0, '127.0.0.1')}`;
  }
}

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let dir: string;
let client: RemotingClient;
let ns: RecordingNamesrv;
const cleanups: (() => Promise<void> | void)[] = [];

function registration(namesrvAddr: string): {
  reg: NamesrvRegistration;
  topics: TopicConfigManager;
} {
  const { config } = parseBrokerConfig('', 'broker.conf', { storePathRootDir: dir, namesrvAddr });
  const topics = new TopicConfigManager(config, silentLogger());
  topics.load();
  const reg = new NamesrvRegistration(config, '127.0.0.1:10911', topics, client, silentLogger());
  topics.onChange = () => reg.scheduleRegister();
  return { reg, topics };
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kitemq-registration-'));
  client = new RemotingClient(silentLogger());
  ns = new RecordingNamesrv();
  await ns.start();
});

afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  client.close();
  await ns.server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('NamesrvRegistration: topic changes a request publishes', () => {
  it('resolves after the name server took the change; one turn of changes shares one push', async () => {
    const { reg, topics } = registration(ns.addr);
    const groups = Array.from({ length: 20 }, (_, i) => `G${i}`);
    const published = groups.map((g) => {
      const mark = reg.changeMark();
      topics.createRetryTopicIfAbsent(g);
      return reg.publishSince(mark);
    });
    expect(published.every((p) => p instanceof Promise)).toBe(true);
    expect(await Promise.all(published)).toEqual(groups.map(() => undefined));
    expect(ns.registrations).toHaveLength(1);
    expect(ns.registrations[0]).toEqual(expect.arrayContaining(groups.map((g) => `%RETRY%${g}`)));
  });

  it('nothing changed since the mark: nothing to wait for', () => {
    const { reg, topics } = registration(ns.addr);
    topics.createRetryTopicIfAbsent('Existing');
    const mark = reg.changeMark();
    topics.createRetryTopicIfAbsent('Existing'); // already there: no change
    expect(reg.publishSince(mark)).toBeUndefined();
  });

  it('a change nobody publishes is still pushed, coalesced with its turn', async () => {
    const { topics } = registration(ns.addr);
    for (let i = 0; i < 5; i++) topics.createRetryTopicIfAbsent(`Quiet${i}`);
    await waitFor(() => ns.registrations.length > 0, 'the coalesced push');
    expect(ns.registrations).toHaveLength(1);
    expect(ns.registrations[0]).toEqual(expect.arrayContaining(['%RETRY%Quiet4']));
  });

  it('a silent name server is named in the remark once the wait bound passed', async () => {
    // Accepts connections and never answers (a hung name server).
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanups.push(() => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => silent.close(() => r()));
    });
    const port = (silent.address() as { port: number }).port;
    const silentAddr = `127.0.0.1:${port}`;
    const { reg, topics } = registration(`${ns.addr};${silentAddr}`);
    const mark = reg.changeMark();
    topics.createRetryTopicIfAbsent('Half');
    const remark = await reg.publishSince(mark);
    expect(remark).toContain(silentAddr);
    expect(remark).toContain(`no answer within ${TOPIC_CHANGE_REGISTER_WAIT_MS} ms`);
    expect(remark).not.toContain(ns.addr);
    expect(ns.registrations.at(-1)).toContain('%RETRY%Half');
  });
});

describe("NamesrvRegistration: a slave's master, from the register answer", () => {
  it('keeps masterAddr and haServerAddr and tells listeners when they change', async () => {
    const answer: Record<string, string> = {};
    const named = new RemotingServer(silentLogger());
    named.registerProcessor(RequestCode.REGISTER_BROKER, (req) =>
      createResponse(req, ResponseCode.SUCCESS, undefined, answer),
    );
    const addr = `127.0.0.1:${await named.listen(0, '127.0.0.1')}`;
    cleanups.push(() => named.close());
    const { reg } = registration(addr);
    const seen: (string | undefined)[] = [];
    reg.onMasterChange((m) => seen.push(`${m.masterAddr} ${m.haServerAddr}`));
    await reg.registerAll(); // no master known yet
    expect(reg.accepted).toBe(1);
    expect(reg.master).toBeUndefined();
    Object.assign(answer, { masterAddr: '10.0.0.1:10911', haServerAddr: '10.0.0.1:10912' });
    await reg.registerAll();
    await reg.registerAll(); // the same master again: no second notice
    answer.haServerAddr = '10.0.0.1:20912';
    await reg.registerAll();
    expect(seen).toEqual(['10.0.0.1:10911 10.0.0.1:10912', '10.0.0.1:10911 10.0.0.1:20912']);
    expect(reg.master).toEqual({ masterAddr: '10.0.0.1:10911', haServerAddr: '10.0.0.1:20912' });
  });
});
