// What NamesrvRegistration sends: a create registers that topic alone, with the new DataVersion
// (registerIncrementBrokerData); a delete and the periodic round send every topic, marked
// completeTopicTable; compressedRegister sends the zlib line form; enableSplitRegistration sends
// batches of splitRegistrationSize, none marked complete.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseBrokerConfig } from '../common/config/broker-config.js';
import { silentLogger } from '../common/logger.js';
import { decodeRegisterBrokerBody } from '../protocol/bodies/route-data.js';
import { createResponse } from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import { RemotingClient } from '../remoting/remoting-client.js';
import { RemotingServer } from '../remoting/remoting-server.js';
import { newTopicConfig, TopicConfigManager } from './managers/topic-config-manager.js';
import { NamesrvRegistration } from './namesrv-registration.js';

interface Seen {
  topics: string[];
  counter: number;
  complete: boolean;
  compressed: boolean;
}

let dir: string;
let client: RemotingClient;
let server: RemotingServer;
let addr: string;
let seen: Seen[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kitemq-incremental-'));
  client = new RemotingClient(silentLogger());
  server = new RemotingServer(silentLogger());
  seen = [];
  server.registerProcessor(RequestCode.REGISTER_BROKER, (req) => {
    const compressed = req.extFields.compressed === 'true';
    const body = decodeRegisterBrokerBody(req.body, compressed);
    seen.push({
      topics: Object.keys(body.topicConfigTable).sort(),
      counter: body.dataVersion.counter,
      complete: req.extFields.completeTopicTable === 'true',
      compressed,
    });
    return createResponse(req, ResponseCode.SUCCESS);
  });
  addr = `127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
});

afterEach(async () => {
  client.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function setup(keys: Record<string, string> = {}) {
  const { config } = parseBrokerConfig('', 'broker.conf', {
    storePathRootDir: dir,
    namesrvAddr: addr,
    ...keys,
  });
  const topics = new TopicConfigManager(config, silentLogger());
  topics.load();
  const reg = new NamesrvRegistration(config, '127.0.0.1:10911', topics, client, silentLogger());
  topics.onChange = (changed) => reg.scheduleRegister(changed);
  return { topics, reg, systemTopics: topics.all().length };
}

describe('NamesrvRegistration bodies', () => {
  it('registers a created topic alone, and a delete or the periodic round with every topic', async () => {
    const { topics, reg, systemTopics } = setup();
    expect(await reg.registerAll()).toBe(true);
    expect(seen.at(-1)).toMatchObject({ complete: true, compressed: false });
    expect(seen.at(-1)!.topics).toHaveLength(systemTopics);
    for (let i = 0; i < 50; i++) topics.createOrUpdate(newTopicConfig(`T${i}`, 8));
    await reg.publishNow(); // the 50 go in one incremental registration
    expect(seen.at(-1)).toMatchObject({ complete: false });
    expect(seen.at(-1)!.topics).toHaveLength(50);
    seen.length = 0;
    topics.createOrUpdate(newTopicConfig('Created', 8));
    expect(await reg.publishNow()).toBeUndefined();
    expect(seen).toEqual([
      {
        topics: ['Created'],
        counter: topics.dataVersion.counter,
        complete: false,
        compressed: false,
      },
    ]);
    // Two creates in one turn share one incremental registration.
    topics.createOrUpdate(newTopicConfig('A', 1));
    topics.createOrUpdate(newTopicConfig('B', 1));
    await Promise.all([reg.publishNow(), reg.publishNow()]);
    expect(seen.at(-1)).toMatchObject({ topics: ['A', 'B'], complete: false });
    topics.delete('A');
    await reg.publishNow();
    expect(seen.at(-1)).toMatchObject({ complete: true });
    expect(seen.at(-1)!.topics).toHaveLength(systemTopics + 50 + 2);
    expect(seen.at(-1)!.topics).not.toContain('A');
  });

  it('sends the compressed form with compressedRegister, and batches with enableSplitRegistration', async () => {
    const compressed = setup({ compressedRegister: 'true' });
    for (let i = 0; i < 30; i++) compressed.topics.createOrUpdate(newTopicConfig(`T${i}`, 8));
    seen.length = 0;
    await compressed.reg.registerAll();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ complete: true, compressed: true });
    expect(seen[0]!.topics).toHaveLength(compressed.systemTopics + 30);

    rmSync(dir, { recursive: true, force: true });
    const split = setup({ enableSplitRegistration: 'true', splitRegistrationSize: '10' });
    for (let i = 0; i < 30; i++) split.topics.createOrUpdate(newTopicConfig(`T${i}`, 8));
    seen.length = 0;
    await split.reg.registerAll();
    const total = split.systemTopics + 30;
    expect(seen).toHaveLength(Math.ceil(total / 10));
    expect(seen.every((s) => !s.complete && s.counter === split.topics.dataVersion.counter)).toBe(
      true,
    );
    expect(new Set(seen.flatMap((s) => s.topics)).size).toBe(total);
  });
});
