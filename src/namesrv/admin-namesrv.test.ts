import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { NamesrvConfig } from '../common/config/namesrv-config.js';
import { silentLogger } from '../common/logger.js';
import { bodyCrc32 } from '../message/record-codec.js';
import { createRequest } from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import { RemotingClient } from '../remoting/remoting-client.js';
import { NamesrvController } from './namesrv-controller.js';

const log = silentLogger();
let namesrv: NamesrvController | undefined;
let c: RemotingClient | undefined;

const dirs: string[] = [];

afterEach(async () => {
  c?.close();
  await namesrv?.shutdown();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kitemq-ns-admin-'));
  dirs.push(d);
  return d;
}

async function start(extra: Partial<NamesrvConfig> = {}, configPath?: string): Promise<string> {
  await namesrv?.shutdown();
  c?.close();
  namesrv = new NamesrvController(
    { listenPort: 0, bindAddress: '127.0.0.1', brokerChannelExpiredTime: 120_000, ...extra },
    log,
    { configPath },
  );
  await namesrv.start();
  c = new RemotingClient(log);
  return `127.0.0.1:${namesrv.port}`;
}

const ask = (ns: string, code: number, fields: Record<string, string> = {}, body?: Buffer) =>
  c!.invoke(ns, createRequest(code, 0, fields, body));

async function register(ns: string, brokerName: string, addr: string, topics: string[]) {
  const topicConfigTable = Object.fromEntries(
    topics.map((t) => [t, { topicName: t, readQueueNums: 2, writeQueueNums: 2, perm: 6 }]),
  );
  const body = Buffer.from(
    JSON.stringify({
      filterServerList: [],
      topicConfigSerializeWrapper: { dataVersion: { counter: 1, timestamp: 1 }, topicConfigTable },
    }),
  );
  const fields = {
    brokerName,
    brokerAddr: addr,
    clusterName: 'DefaultCluster',
    haServerAddr: '',
    brokerId: '0',
    bodyCrc32: String(bodyCrc32(body)),
  };
  const res = await ask(ns, RequestCode.REGISTER_BROKER, fields, body);
  expect(res.code).toBe(ResponseCode.SUCCESS);
}

async function perms(ns: string, topic: string): Promise<Record<string, number>> {
  const res = await ask(ns, RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic });
  const route = JSON.parse(res.body!.toString()) as {
    queueDatas: { brokerName: string; perm: number }[];
  };
  return Object.fromEntries(route.queueDatas.map((q) => [q.brokerName, q.perm]));
}

describe('name server admin requests', () => {
  it('wipes and adds the write perm of one broker on every topic, counting the topics', async () => {
    const ns = await start();
    await register(ns, 'broker-a', '127.0.0.1:10911', ['T1', 'T2']);
    await register(ns, 'broker-b', '127.0.0.1:10921', ['T1']);
    const wipe = await ask(ns, RequestCode.WIPE_WRITE_PERM_OF_BROKER, { brokerName: 'broker-a' });
    expect(wipe.code).toBe(ResponseCode.SUCCESS);
    expect(wipe.extFields.wipeTopicCount).toBe('2');
    expect(await perms(ns, 'T1')).toEqual({ 'broker-a': 4, 'broker-b': 6 });
    expect(await perms(ns, 'T2')).toEqual({ 'broker-a': 4 });
    // An unchanged re-registration (the 30 s heartbeat) keeps the wiped perm, as in Java.
    await register(ns, 'broker-a', '127.0.0.1:10911', ['T1', 'T2']);
    expect(await perms(ns, 'T1')).toEqual({ 'broker-a': 4, 'broker-b': 6 });
    const add = await ask(ns, RequestCode.ADD_WRITE_PERM_OF_BROKER, { brokerName: 'broker-a' });
    expect(add.extFields.addTopicCount).toBe('2');
    expect(await perms(ns, 'T2')).toEqual({ 'broker-a': 6 });
    const none = await ask(ns, RequestCode.WIPE_WRITE_PERM_OF_BROKER, { brokerName: 'nope' });
    expect(none.extFields.wipeTopicCount).toBe('0');
    const bad = await ask(ns, RequestCode.WIPE_WRITE_PERM_OF_BROKER);
    expect(bad.code).not.toBe(ResponseCode.SUCCESS);
    expect(bad.remark).toContain('brokerName');
  });

  it('serves its config as key=value lines and changes only the run-time keys', async () => {
    const ns = await start();
    const get = async () => (await ask(ns, RequestCode.GET_NAMESRV_CONFIG)).body!.toString();
    expect(await get()).toBe(
      'listenPort=0\nbindAddress=127.0.0.1\nbrokerChannelExpiredTime=120000',
    );
    const update = (text: string) =>
      ask(ns, RequestCode.UPDATE_NAMESRV_CONFIG, {}, Buffer.from(text));
    expect((await update('brokerChannelExpiredTime=30000')).code).toBe(ResponseCode.SUCCESS);
    expect(await get()).toContain('brokerChannelExpiredTime=30000');
    const restart = await update('brokerChannelExpiredTime=40000\nlistenPort=9999');
    expect(restart.code).toBe(ResponseCode.NO_PERMISSION);
    expect(restart.remark).toContain('listenPort cannot change at run time');
    const badValue = await update('brokerChannelExpiredTime=soon');
    expect(badValue.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(badValue.remark).toContain('brokerChannelExpiredTime="soon" is not valid');
    const unknown = await update('brokerChannelExpiredTme=5000');
    expect(unknown.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(unknown.remark).toContain('brokerChannelExpiredTime');
    expect(await get()).toContain('brokerChannelExpiredTime=30000');
  });

  it('lists cluster and broker names as system topics, with one broker address', async () => {
    const ns = await start();
    await register(ns, 'broker-a', '127.0.0.1:10911', ['T1']);
    const res = await ask(ns, RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS);
    expect(res.body!.toString()).toBe(
      '{"brokerAddr":"127.0.0.1:10911","topicList":["DefaultCluster","broker-a"]}',
    );
  });

  it('persists an accepted update into the -c file, and nothing when it cannot', async () => {
    const dir = tempDir();
    const conf = join(dir, 'namesrv.conf');
    writeFileSync(conf, '# ops\nlistenPort=0\n');
    const ns = await start({}, conf);
    const update = (text: string) =>
      ask(ns, RequestCode.UPDATE_NAMESRV_CONFIG, {}, Buffer.from(text));
    expect((await update('orderMessageEnable=true')).code).toBe(ResponseCode.SUCCESS);
    expect(readFileSync(conf, 'utf8')).toBe('# ops\nlistenPort=0\norderMessageEnable=true\n');
    const refused = await update('kvConfigPath=/elsewhere.json');
    expect(refused.code).toBe(ResponseCode.NO_PERMISSION);
    expect(refused.remark).toContain('kvConfigPath cannot change at run time');
    rmSync(conf);
    const lost = await update('brokerChannelExpiredTime=30000');
    expect(lost.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(lost.remark).toContain('nothing was changed');
    const got = (await ask(ns, RequestCode.GET_NAMESRV_CONFIG)).body!.toString();
    expect(got).toContain('brokerChannelExpiredTime=120000');
  });

  it('routes carry orderTopicConf with orderMessageEnable, from a KV file kept across starts', async () => {
    const kvConfigPath = join(tempDir(), 'namesrv', 'kvConfig.json');
    let ns = await start({ kvConfigPath });
    await register(ns, 'broker-a', '127.0.0.1:10911', ['T1', 'T2']);
    const put = await ask(ns, RequestCode.PUT_KV_CONFIG, {
      namespace: 'ORDER_TOPIC_CONFIG',
      key: 'T1',
      value: 'broker-a:2',
    });
    expect(put.code).toBe(ResponseCode.SUCCESS);
    expect(JSON.parse(readFileSync(kvConfigPath, 'utf8'))).toEqual({
      configTable: { ORDER_TOPIC_CONFIG: { T1: 'broker-a:2' } },
    });
    const route = async (topic: string) =>
      JSON.parse((await ask(ns, RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic })).body!.toString());
    expect(await route('T1')).not.toHaveProperty('orderTopicConf');
    ns = await start({ kvConfigPath, orderMessageEnable: true });
    await register(ns, 'broker-a', '127.0.0.1:10911', ['T1', 'T2']);
    expect((await route('T1')).orderTopicConf).toBe('broker-a:2');
    expect(await route('T2')).not.toHaveProperty('orderTopicConf');
  });
});
