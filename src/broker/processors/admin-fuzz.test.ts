// Fuzz at processor level: every admin request code the broker answers (seeds in
// test/harness/fuzz-admin.ts), with header fields bent and bodies replaced, malformed or cut,
// against an in-process broker. Each must be answered: SUCCESS, or an error code with a remark
// that is not a raw JavaScript exception. The wire suite (test/integration/fuzz-wire.test.ts)
// sends the same seeds to real processes. Replay: KITEMQ_FUZZ_SEED=N npx vitest run <this file>.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fuzzSeed, HOSTILE_JSON_BODIES, prng, seedRequests } from '../../../test/harness/fuzz.js';
import {
  badAnswer,
  brokerAdminSeeds,
  describeCmd,
  hostileVariant,
} from '../../../test/harness/fuzz-admin.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { brokerPerTest } from '../in-process-broker.fixture.js';

const CASES = 3_000;
const TOPIC = 'FuzzAdminTopic';
const GROUP = 'FuzzAdminGroup';

const h = brokerPerTest({ brokerName: 'broker-fuzz' }, async () => {
  h.createTopic(TOPIC, 2);
  await h.send(TOPIC, ['one', 'two']);
  const heartbeat = {
    clientID: '127.0.0.1@fuzz',
    producerDataSet: [{ groupName: 'PG_FUZZ' }],
    consumerDataSet: [
      {
        groupName: GROUP,
        consumeType: 'CONSUME_PASSIVELY',
        messageModel: 'CLUSTERING',
        consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
        subscriptionDataSet: [{ topic: TOPIC, subString: '*', subVersion: 1 }],
      },
    ],
  };
  await h.request(RequestCode.HEART_BEAT, {}, Buffer.from(JSON.stringify(heartbeat)));
  h.ctx.offsets.commitOffset(GROUP, TOPIC, 0, 1);
});

describe('fuzz: broker admin requests at processor level', { timeout: 180_000 }, () => {
  it('has a fuzz seed for every code the Name server and Administration tables say is answered', () => {
    const doc = readFileSync(new URL('../../../docs/request-codes.md', import.meta.url), 'utf8');
    const admin = doc.slice(doc.indexOf('## Name server'));
    const answered = [...admin.matchAll(/^\| (\d+) \| ([A-Z_0-9]+) \|[^\n]*\| answered/gm)];
    expect(answered.length).toBeGreaterThan(40);
    const seeded = new Set(seedRequests(TOPIC, GROUP).map((c) => c.code));
    expect(answered.filter((m) => !seeded.has(Number(m[1]))).map((m) => m[2])).toEqual([]);
  });

  it('answers every seed as is with SUCCESS or a proper error', async () => {
    for (const seed of brokerAdminSeeds(TOPIC, GROUP, 1)) {
      const res = await h.request(seed.code, seed.extFields, seed.body);
      expect(badAnswer(res.code, res.remark), describeCmd(seed)).toBeUndefined();
    }
  });

  it('answers bent headers and hostile bodies with an error code and a remark, never a crash', async () => {
    const rand = prng(fuzzSeed());
    const seeds = brokerAdminSeeds(TOPIC, GROUP, 1);
    const findings: string[] = [];
    let rejected = 0;
    for (let i = 0; i < CASES; i++) {
      const seed = seeds[Math.floor(rand() * seeds.length)]!;
      const cmd = hostileVariant(seed, i, rand, HOSTILE_JSON_BODIES);
      const res = await h.request(cmd.code, cmd.extFields, cmd.body);
      if (res.code !== ResponseCode.SUCCESS) rejected++;
      const bad = badAnswer(res.code, res.remark);
      if (bad) findings.push(`${bad} for ${describeCmd(cmd)}`);
    }
    expect([...new Set(findings)].slice(0, 20)).toEqual([]);
    expect(rejected).toBeGreaterThan(CASES / 4);
  });
});
