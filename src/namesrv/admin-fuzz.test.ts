// Fuzz at processor level for the name server: every request code it answers (the name-server
// seeds of test/harness/fuzz.ts, admin codes included), with header fields bent and bodies
// replaced, malformed or cut, against a NamesrvController on a loopback port. Each must be
// answered: SUCCESS, or an error code with a remark that is not a raw JavaScript exception.
// Replay: KITEMQ_FUZZ_SEED=N npx vitest run --project unit src/namesrv/admin-fuzz.test.ts
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fuzzSeed,
  HOSTILE_JSON_BODIES,
  NAMESRV_CODES,
  prng,
  seedRequests,
} from '../../test/harness/fuzz.js';
import { badAnswer, describeCmd, hostileVariant } from '../../test/harness/fuzz-admin.js';
import { silentLogger } from '../common/logger.js';
import type { RemotingCommand } from '../protocol/remoting-command.js';
import { ResponseCode } from '../protocol/response-code.js';
import { RemotingClient } from '../remoting/remoting-client.js';
import { NamesrvController } from './namesrv-controller.js';

const CASES = 2_000;
const log = silentLogger();
const namesrv = new NamesrvController(
  { listenPort: 0, bindAddress: '127.0.0.1', brokerChannelExpiredTime: 120_000 },
  log,
);
const client = new RemotingClient(log);
let addr = '';
const seeds = seedRequests('FuzzTopic', 'FuzzGroup').filter((c) => NAMESRV_CODES.has(c.code));

beforeAll(async () => {
  await namesrv.start();
  addr = `127.0.0.1:${namesrv.port}`;
});

afterAll(async () => {
  client.close();
  await namesrv.shutdown();
});

const ask = (cmd: RemotingCommand) => client.invoke(addr, cmd, 10_000);

describe('fuzz: name server requests at processor level', { timeout: 180_000 }, () => {
  it('has a seed for every name-server code, each answered SUCCESS or with a proper error', async () => {
    expect(new Set(seeds.map((c) => c.code))).toEqual(NAMESRV_CODES);
    for (const seed of seeds) {
      const res = await ask(seed);
      expect(badAnswer(res.code, res.remark), describeCmd(seed)).toBeUndefined();
    }
  });

  it('answers bent headers and hostile bodies with an error code and a remark, never a crash', async () => {
    const rand = prng(fuzzSeed());
    const findings: string[] = [];
    let rejected = 0;
    for (let i = 0; i < CASES; i++) {
      const seed = seeds[Math.floor(rand() * seeds.length)]!;
      const cmd = hostileVariant(seed, i, rand, HOSTILE_JSON_BODIES);
      const res = await ask(cmd);
      if (res.code !== ResponseCode.SUCCESS) rejected++;
      const bad = badAnswer(res.code, res.remark);
      if (bad) findings.push(`${bad} for ${describeCmd(cmd)}`);
    }
    expect([...new Set(findings)].slice(0, 20)).toEqual([]);
    expect(rejected).toBeGreaterThan(CASES / 4);
  });
});
