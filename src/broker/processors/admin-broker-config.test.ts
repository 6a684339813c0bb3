// UPDATE_BROKER_CONFIG against an in-process broker: a live key changes what the next request
// sees, a restart-only or unknown key is refused by name and changes nothing, an accepted change
// lands in the -c file with its other lines kept, and GET_BROKER_CONFIG shows it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { brokerConfigDefinition } from '../../common/config/broker-config.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { brokerPerTest, pullFields, sendFields } from '../in-process-broker.fixture.js';

const h = brokerPerTest();
let dir = '';
let confPath = '';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kitemq-conf-'));
  confPath = join(dir, 'broker.conf');
  writeFileSync(confPath, '# my broker\nbrokerName=broker-a\nenablePropertyFilter=false\n');
  (h.ctx as { configPath?: string }).configPath = confPath;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const update = (text: string) =>
  h.request(RequestCode.UPDATE_BROKER_CONFIG, {}, Buffer.from(text, 'utf8'));

const checkSql92 = () =>
  h.request(
    RequestCode.CHECK_CLIENT_CONFIG,
    {},
    Buffer.from(
      JSON.stringify({
        clientId: 'c1',
        group: 'G',
        subscriptionData: { topic: 'T', expressionType: 'SQL92', subString: 'a > 1' },
      }),
    ),
  );

describe('UPDATE_BROKER_CONFIG', () => {
  it('changes a live key for the next request and persists it into the -c file', async () => {
    expect((await checkSql92()).code).toBe(ResponseCode.SYSTEM_ERROR);
    const res = await update('enablePropertyFilter=true\n');
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect((await checkSql92()).code).toBe(ResponseCode.SUCCESS);
    expect(readFileSync(confPath, 'utf8')).toBe(
      '# my broker\nbrokerName=broker-a\nenablePropertyFilter=true\n',
    );
    const got = await h.request(RequestCode.GET_BROKER_CONFIG);
    expect(got.body!.toString('utf8')).toContain('\nenablePropertyFilter=true\n');
  });

  it('refuses a restart-only key by name and changes nothing', async () => {
    const res = await update('traceOn=false\nflushDiskType=SYNC_FLUSH\n');
    expect(res.code).toBe(ResponseCode.INVALID_PARAMETER);
    expect(res.remark).toMatch(/^flushDiskType cannot change at run time and needs a restart/);
    expect(h.ctx.config.traceOn).toBe(true);
    expect(h.ctx.config.flushDiskType).toBe('ASYNC_FLUSH');
    expect(readFileSync(confPath, 'utf8')).not.toContain('flushDiskType');
  });

  it('refuses unknown keys, black-listed keys and malformed values', async () => {
    const unknown = await update('noSuchKey=1');
    expect(unknown.code).toBe(ResponseCode.INVALID_PARAMETER);
    expect(unknown.remark).toContain('noSuchKey');
    const black = await update('brokerConfigPath=/tmp/x');
    expect(black.code).toBe(ResponseCode.NO_PERMISSION);
    const bad = await update('accessMessageInMemoryMaxRatio=lots');
    expect(bad.code).not.toBe(ResponseCode.SUCCESS);
    expect(bad.remark).toContain('accessMessageInMemoryMaxRatio');
    expect((await update('')).code).toBe(ResponseCode.INVALID_PARAMETER);
  });

  it('changes nothing when the -c file cannot be written', async () => {
    (h.ctx as { configPath?: string }).configPath = join(dir, 'gone', 'broker.conf');
    const res = await update('traceOn=false');
    expect(res.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(res.remark).toContain('nothing was changed');
    expect(h.ctx.config.traceOn).toBe(true);
  });

  it('changes brokerPermission live: sends, then pulls, are refused; the new version is routed', async () => {
    h.createTopic('Orders');
    const send = () =>
      h.request(RequestCode.SEND_MESSAGE_V2, sendFields('Orders'), Buffer.from('x', 'utf8'));
    const pull = () => h.request(RequestCode.PULL_MESSAGE, pullFields('Orders', 0));
    expect((await send()).code).toBe(ResponseCode.SUCCESS);
    const before = h.ctx.topics.dataVersion.counter;
    expect((await update('brokerPermission=4')).code).toBe(ResponseCode.SUCCESS);
    // Routes only change on a name server when the topic DataVersion does.
    expect(h.ctx.topics.dataVersion.counter).toBeGreaterThan(before);
    const refused = await send();
    expect(refused.code).toBe(ResponseCode.NO_PERMISSION);
    expect(refused.remark).toContain('the broker[127.0.0.1] sending message is forbidden');
    expect((await pull()).code).toBe(ResponseCode.SUCCESS);
    expect((await update('brokerPermission=2')).code).toBe(ResponseCode.SUCCESS);
    const noPull = await pull();
    expect(noPull.code).toBe(ResponseCode.NO_PERMISSION);
    expect(noPull.remark).toContain('pulling message is forbidden');
    expect(readFileSync(confPath, 'utf8')).toContain('\nbrokerPermission=2\n');
    expect((await update('brokerPermission=9')).code).not.toBe(ResponseCode.SUCCESS);
    expect(h.ctx.config.brokerPermission).toBe(2);
  });
});

describe('GET_BROKER_CONFIG', () => {
  const getConfig = async () => {
    const res = await h.request(RequestCode.GET_BROKER_CONFIG);
    expect(res.code).toBe(ResponseCode.SUCCESS);
    const lines = `${res.body}`.split('\n');
    expect(lines.pop()).toBe('');
    const version = JSON.parse(res.extFields.version ?? '') as { counter: number };
    return { lines, version };
  };

  it('answers every key of the schema once, set or defaulted, as Java prints its fields', async () => {
    const { lines } = await getConfig();
    const keys = Object.keys(brokerConfigDefinition().schema);
    expect(lines.map((l) => l.slice(0, l.indexOf('=')))).toEqual(keys);
    const config = h.ctx.config as unknown as Record<string, unknown>;
    for (const key of keys) expect(lines).toContain(`${key}=${String(config[key])}`);
    // Defaults nobody set, in Java's spelling: booleans true/false, integers without a point;
    // and what the test broker set (maxMessageSize).
    expect(lines).toContain('fileReservedTime=72');
    expect(lines).toContain('maxMessageSize=65536');
    expect(lines).toContain('flushDiskType=ASYNC_FLUSH');
    expect(lines).toContain('traceOn=true');
    expect(lines).toContain('enablePropertyFilter=false');
  });

  it('moves its DataVersion on with each accepted update, and only then', async () => {
    const before = (await getConfig()).version.counter;
    expect((await getConfig()).version.counter).toBe(before);
    expect((await update('noSuchKey=1')).code).toBe(ResponseCode.INVALID_PARAMETER);
    expect((await getConfig()).version.counter).toBe(before);
    expect((await update('traceOn=false')).code).toBe(ResponseCode.SUCCESS);
    const after = await getConfig();
    expect(after.version.counter).toBe(before + 1);
    expect(after.lines).toContain('traceOn=false');
  });
});
