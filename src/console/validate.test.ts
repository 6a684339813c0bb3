import { describe, expect, it } from 'vitest';
import { ConsoleError } from './errors.js';
import { CONSOLE_DELAY_LEVELS, InputCheck, schemaError } from './validate.js';

const NOW = 1_700_000_000_000;
const problems = (f: (c: InputCheck) => InputCheck) => [...f(new InputCheck(NOW)).problems];

describe('InputCheck', () => {
  it('names the illegal character of a topic or group, and the length limit', () => {
    expect(problems((c) => c.topic('topic', 'bad topic!'))).toEqual([
      `topic: 'bad topic!' has the illegal character " "; only letters, digits and % | _ - are allowed`,
    ]);
    expect(problems((c) => c.group('group', 'g/1'))[0]).toMatch(/illegal character "\/"/);
    expect(problems((c) => c.topic('topic', 'T'.repeat(128)))[0]).toMatch(/max length 127/);
    expect(problems((c) => c.topic('topic', 'T'.repeat(127)))).toEqual([]);
    expect(problems((c) => c.topic('topic', ''))[0]).toMatch(/blank/);
    expect(problems((c) => c.topic('topic', undefined))[0]).toMatch(/required/);
  });

  it('refuses system names only when the name is being created', () => {
    expect(problems((c) => c.topic('topic', 'TBW102', { create: true }))[0]).toMatch(/system/);
    expect(problems((c) => c.topic('topic', '%RETRY%g', { create: true }))[0]).toMatch(/system/);
    expect(problems((c) => c.topic('topic', 'TBW102'))).toEqual([]);
    expect(problems((c) => c.group('g', 'TOOLS_CONSUMER', { create: true }))[0]).toMatch(/system/);
    expect(problems((c) => c.group('g', 'CID_RMQ_SYS_X', { create: true }))[0]).toMatch(/system/);
    expect(problems((c) => c.group('g', 'orders', { create: true }))).toEqual([]);
  });

  it('takes queue counts 1…1024 as whole numbers only', () => {
    for (const bad of [0, -1, 1.5, 1025, '8']) {
      expect(problems((c) => c.queueNums('readQueueNums', bad))).toHaveLength(1);
    }
    expect(
      problems((c) => c.queueNums('q', 1).queueNums('q', 1024).queueNums('q', undefined)),
    ).toEqual([]);
  });

  it('takes perm 2, 4 or 6', () => {
    expect(problems((c) => c.perm('perm', 2).perm('perm', 4).perm('perm', 6))).toEqual([]);
    expect(problems((c) => c.perm('perm', 7).perm('perm', 0))).toHaveLength(2);
  });

  it('refuses a reset time in the future beyond a minute of skew, or before 0', () => {
    expect(problems((c) => c.resetTimestamp('timestamp', NOW + 60_000))).toEqual([]);
    expect(problems((c) => c.resetTimestamp('timestamp', 0))).toEqual([]);
    expect(problems((c) => c.resetTimestamp('timestamp', NOW + 3_600_000))[0]).toMatch(
      /3600 s in the future/,
    );
    expect(problems((c) => c.resetTimestamp('timestamp', -1))[0]).toMatch(/outside/);
    expect(problems((c) => c.resetTimestamp('timestamp', undefined))[0]).toMatch(/required/);
  });

  it('takes delay levels 1…18 and delivery times not over a minute past', () => {
    expect(CONSOLE_DELAY_LEVELS).toBe(18);
    expect(problems((c) => c.delayLevel('d', 1).delayLevel('d', 18))).toEqual([]);
    expect(problems((c) => c.delayLevel('d', 0).delayLevel('d', 19))).toHaveLength(2);
    expect(problems((c) => c.deliverTime('t', NOW - 60_000).deliverTime('t', NOW + 1))).toEqual([]);
    expect(problems((c) => c.deliverTime('t', NOW - 61_000))[0]).toMatch(/61 s in the past/);
  });

  it('throws every line at once as a 400 with problems, and nothing when all is well', () => {
    const c = new InputCheck(NOW).queueNums('readQueueNums', 0).perm('perm', 1);
    let thrown: unknown;
    try {
      c.done();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConsoleError);
    const e = thrown as ConsoleError;
    expect([e.status, e.code, e.problems?.length]).toEqual([400, 'BAD_REQUEST', 2]);
    expect(e.message).toMatch(/^2 input problems: readQueueNums:/);
    expect(() => new InputCheck(NOW).perm('perm', 6).done()).not.toThrow();
  });
});

describe('schemaError', () => {
  it('turns fastify schema errors into one line per field', () => {
    const e = schemaError([
      {
        keyword: 'required',
        instancePath: '',
        schemaPath: '',
        params: { missingProperty: 'topic' },
      },
      {
        keyword: 'type',
        instancePath: '/perm',
        schemaPath: '',
        params: {},
        message: 'must be number',
      },
    ]);
    expect(e.problems).toEqual(['topic: is required', 'perm: must be number']);
    expect(e.status).toBe(400);
  });
});
