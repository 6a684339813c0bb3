// Fuzz suite, in-process part: hostile bytes through every decoder a request passes before it
// reaches the store — the frame decoder, both header serializations (JSON and ROCKETMQ binary),
// the header field readers and the header parsers built on them, properties strings, batch
// bodies and the JSON/zlib bodies the broker and name server read. Inputs are random bytes and
// golden frames (captured from ali-ons, or built by our codecs) mutated at random: bit flips,
// truncation, length fields changed, bytes inserted, deleted and duplicated.
//
// Each decoder may only return a well-formed value or throw its own documented error
// (ProtocolError, RequestValidationError with a response code and remark, RangeError from the
// batch codec); any other throw, a hang or unbounded memory is a bug. The real-process part, over
// sockets, is test/integration/fuzz-wire.test.ts.
//
// The run prints `[fuzz] seed=N`. Replay a run with
//   KITEMQ_FUZZ_SEED=N npx vitest run --project unit src/protocol/fuzz.test.ts
// fast-check also prints its own seed and path for a failing property (docs/testing.md).
import { readdirSync, readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fuzzSeed,
  goldenBatchBody,
  HOSTILE_JSON_BODIES,
  HOSTILE_STRINGS,
  mutate,
  mutationArb,
  seedFrames,
  withConsistentLength,
} from '../../test/harness/fuzz.js';
import { ProtocolError, RequestValidationError } from '../common/errors.js';
import { decodeBatch, encodeBatch } from '../message/batch-codec.js';
import { decodeProperties, encodeProperties } from '../message/properties-codec.js';
import { decodeRecords } from '../message/record-codec.js';
import { decodeBrokerStatsData } from './bodies/broker-stats-data.js';
import { decodeBrokerConsoleSnapshot } from './bodies/console-snapshot.js';
import { decodeConsumeStats, decodeConsumeStatsList } from './bodies/consume-stats-list.js';
import {
  decodeConsumerConnection,
  decodeGroupList,
  decodeProducerConnection,
} from './bodies/group-admin.js';
import { decodeKvTable } from './bodies/kv-table.js';
import { decodeOffsetTable } from './bodies/offset-table.js';
import {
  decodeClusterInfo,
  decodeRegisterBrokerBody,
  decodeTopicRouteData,
} from './bodies/route-data.js';
import { decodeTopicConfigTable } from './bodies/topic-config-wrapper.js';
import { decodeTopicList } from './bodies/topic-list.js';
import { decodeTopicStatsTable } from './bodies/topic-stats-table.js';
import { FrameDecoder } from './frame.js';
import { decodeSendMsgBackHeader } from './headers/consumer-send-msg-back.js';
import { optBool, optInt, reqInt, reqString } from './headers/fields.js';
import { decodeSendHeader } from './headers/send.js';
import {
  decodeCommand,
  encodeBinaryCommand,
  encodeCommand,
  type RemotingCommand,
} from './remoting-command.js';
import { RequestCode } from './request-code.js';

/** Generous: each property takes a few seconds, many times that on a loaded CI machine. */
const FUZZ_TIMEOUT_MS = 180_000;
const seed = fuzzSeed();
let cases = 0;
/** fast-check parameters: the printed seed, and a count that adds to the suite's total. */
const runs = (numRuns: number): fc.Parameters<unknown> => {
  cases += numRuns;
  return { seed, numRuns };
};

const SEEDS = seedFrames('FuzzTopic', 'FuzzGroup');
const seedFrame = fc.constantFrom(...SEEDS);
const mutations = fc.array(mutationArb, { minLength: 1, maxLength: 5 });
const mutatedFrame = fc
  .tuple(seedFrame, mutations, fc.boolean())
  .map(([f, ms, fix]) => (fix ? withConsistentLength(mutate(f, ms)) : mutate(f, ms)));

/** Runs fn; a throw other than the allowed classes fails the property with the input. */
function onlyThrows(allowed: readonly (new (...a: never[]) => Error)[], fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (allowed.some((c) => err instanceof c)) return;
    throw err;
  }
}

/** What a decoded command must look like, whatever bytes it came from. */
function expectWellFormed(cmd: RemotingCommand): void {
  for (const n of [cmd.code, cmd.version, cmd.opaque, cmd.flag]) {
    expect(Number.isInteger(n)).toBe(true);
  }
  expect(typeof cmd.language).toBe('string');
  if (cmd.remark !== undefined) expect(typeof cmd.remark).toBe('string');
  for (const k of Object.keys(cmd.extFields)) expect(typeof cmd.extFields[k]).toBe('string');
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

let rssBefore = 0;
beforeAll(() => {
  rssBefore = process.memoryUsage().rss;
});
afterAll(() => {
  const rssAfter = process.memoryUsage().rss;
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  console.log(
    `[fuzz] unit: ${cases} cases, seed=${seed}, RSS ${mb(rssBefore)} MB before, ` +
      `${mb(rssAfter)} MB after`,
  );
});

describe('fuzz: frame decoder', { timeout: FUZZ_TIMEOUT_MS }, () => {
  it('random byte streams in random chunks: frames or a ProtocolError, never anything else', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (chunks) => {
        const d = new FrameDecoder(4096);
        let total = 0;
        let framed = 0;
        onlyThrows([ProtocolError], () => {
          for (const c of chunks) {
            total += c.length;
            for (const f of d.push(Buffer.from(c))) framed += 4 + f.length;
          }
        });
        expect(framed).toBeLessThanOrEqual(total);
      }),
      runs(18_000),
    );
  });

  it('seed frames back to back, split anywhere, come out byte for byte', () => {
    fc.assert(
      fc.property(
        fc.array(seedFrame, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat()),
        (fs, cuts) => {
          const stream = Buffer.concat(fs);
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort(
            (a, b) => a - b,
          );
          const d = new FrameDecoder();
          const got: Buffer[] = [];
          let prev = 0;
          for (const p of [...points, stream.length]) {
            got.push(...d.push(stream.subarray(prev, p)));
            prev = p;
          }
          expect(got.map((g) => g.toString('hex'))).toEqual(
            fs.map((f) => f.subarray(4).toString('hex')),
          );
          expect(d.pendingBytes).toBe(0);
        },
      ),
      runs(10_000),
    );
  });

  it('mutated frames as a stream: each frame decodes well-formed or throws ProtocolError', () => {
    fc.assert(
      fc.property(fc.array(mutatedFrame, { minLength: 1, maxLength: 4 }), (fs) => {
        const d = new FrameDecoder();
        onlyThrows([ProtocolError], () => {
          for (const frame of d.push(Buffer.concat(fs))) {
            onlyThrows([ProtocolError], () => expectWellFormed(decodeCommand(frame)));
          }
        });
      }),
      runs(20_000),
    );
  });
});

describe('fuzz: RemotingCommand headers (JSON and ROCKETMQ binary)', {
  timeout: FUZZ_TIMEOUT_MS,
}, () => {
  it('random payloads under either serialize type decode well-formed or throw ProtocolError', () => {
    const payload = fc
      .tuple(
        fc.constantFrom(0, 1, 2, 0xff),
        fc.uint8Array({ maxLength: 200 }),
        fc.nat({ max: 300 }),
      )
      .map(([type, bytes, headerLength]) => {
        const b = Buffer.alloc(4 + bytes.length);
        b.writeInt32BE((type << 24) | (headerLength & 0xffffff) | 0, 0);
        b.set(bytes, 4);
        return b;
      });
    fc.assert(
      fc.property(payload, (frame) => {
        onlyThrows([ProtocolError], () => expectWellFormed(decodeCommand(frame)));
      }),
      runs(40_000),
    );
  });

  it('mutated golden and codec-built frames decode well-formed or throw ProtocolError', () => {
    fc.assert(
      fc.property(mutatedFrame, (frame) => {
        onlyThrows([ProtocolError], () => {
          if (frame.length < 4) throw new ProtocolError('short');
          expectWellFormed(decodeCommand(frame.subarray(4)));
        });
      }),
      runs(35_000),
    );
  });

  it('JSON headers with hostile values decode well-formed or throw ProtocolError', () => {
    const scalar = fc.oneof(
      fc.constantFrom(...HOSTILE_STRINGS),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constant([1]),
      fc.constant({ a: 1 }),
    );
    const header = fc.dictionary(
      fc.constantFrom('code', 'opaque', 'flag', 'version', 'language', 'remark', 'extFields', 'x'),
      fc.oneof(scalar, fc.dictionary(fc.constantFrom(...HOSTILE_STRINGS), scalar, { maxKeys: 4 })),
    );
    fc.assert(
      fc.property(header, (h) => {
        const json = Buffer.from(JSON.stringify(h), 'utf8');
        const frame = Buffer.alloc(4 + json.length);
        frame.writeInt32BE(json.length, 0);
        json.copy(frame, 4);
        onlyThrows([ProtocolError], () => expectWellFormed(decodeCommand(frame)));
      }),
      runs(8_000),
    );
  });

  it('binary and JSON headers carry any field names and values through unchanged', () => {
    const text = fc.string({ maxLength: 30, unit: 'grapheme' });
    const cmd = fc.record({
      code: fc.integer({ min: -32768, max: 32767 }),
      language: fc.constantFrom('JAVA', 'CPP', 'GO', 'OTHER'),
      version: fc.integer({ min: -32768, max: 32767 }),
      opaque: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
      flag: fc.integer({ min: 0, max: 3 }),
      remark: fc.option(fc.string({ minLength: 1, maxLength: 30 }), { nil: undefined }),
      extFields: fc.dictionary(
        // Well-formed UTF-16 only: a lone surrogate cannot survive UTF-8 on any wire.
        fc
          .oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom(...HOSTILE_STRINGS))
          .filter((k) => Buffer.from(k, 'utf8').toString('utf8') === k),
        fc.string({ minLength: 1, maxLength: 30 }),
        { maxKeys: 6 },
      ),
    });
    fc.assert(
      fc.property(cmd, text, (c, body) => {
        const full: RemotingCommand = { ...c, body: body === '' ? undefined : Buffer.from(body) };
        const want = Object.entries(c.extFields).filter(([k]) => k !== '');
        for (const frame of [encodeBinaryCommand(full), encodeCommand(full)]) {
          const got = decodeCommand(frame.subarray(4));
          expect(got.code).toBe(c.code);
          expect(got.opaque).toBe(c.opaque);
          expect(
            Object.entries(got.extFields)
              .filter(([k]) => k !== '')
              .sort(),
          ).toEqual(want.sort());
          expect(got.body?.toString() ?? '').toBe(body);
        }
      }),
      runs(10_000),
    );
  });
});

const HEADER_FIELD_NAMES = [
  ...'abcdefghijklm',
  'producerGroup',
  'topic',
  'defaultTopic',
  'defaultTopicQueueNums',
  'queueId',
  'sysFlag',
  'bornTimestamp',
  'flag',
  'properties',
  'reconsumeTimes',
  'unitMode',
  'maxReconsumeTimes',
  'batch',
  'offset',
  'group',
  'delayLevel',
  'originMsgId',
  'originTopic',
];
const hostileValue = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.integer().map(String),
  fc.string({ maxLength: 24 }),
);
const hostileExt = fc.dictionary(fc.constantFrom(...HEADER_FIELD_NAMES), hostileValue, {
  maxKeys: HEADER_FIELD_NAMES.length,
});

/** A RequestValidationError must name a response code and a remark that names the field. */
function expectActionable(err: unknown): void {
  if (!(err instanceof RequestValidationError)) throw err;
  expect(err.responseCode).toBeGreaterThan(0);
  expect(err.remark).toMatch(/request header field '[^']+'/);
}

describe('fuzz: request header fields', { timeout: FUZZ_TIMEOUT_MS }, () => {
  it('field readers accept decimal safe integers and booleans, reject the rest with a remark', () => {
    fc.assert(
      fc.property(hostileValue, (v) => {
        const ext = { f: v };
        try {
          const n = reqInt(ext, 'f');
          expect(Number.isSafeInteger(n)).toBe(true);
          expect(v).toMatch(/^[+-]?\d+$/);
        } catch (err) {
          expectActionable(err);
        }
        try {
          expect(typeof optBool(ext, 'f', false)).toBe('boolean');
        } catch (err) {
          expectActionable(err);
        }
        try {
          const n = optInt(ext, 'f');
          if (n !== undefined) expect(Number.isSafeInteger(n)).toBe(true);
        } catch (err) {
          expectActionable(err);
        }
        expect(reqString(ext, 'f')).toBe(v);
      }),
      runs(8_000),
    );
  });

  it('send (v1, v2, batch) and consumer-send-back headers parse or answer a named field', () => {
    const code = fc.constantFrom(
      RequestCode.SEND_MESSAGE,
      RequestCode.SEND_MESSAGE_V2,
      RequestCode.SEND_BATCH_MESSAGE,
    );
    fc.assert(
      fc.property(code, hostileExt, (c, ext) => {
        try {
          const h = decodeSendHeader(c, ext);
          expect(Number.isSafeInteger(h.queueId)).toBe(true);
          expect(typeof h.topic).toBe('string');
        } catch (err) {
          expectActionable(err);
        }
        try {
          expect(Number.isSafeInteger(decodeSendMsgBackHeader(ext).offset)).toBe(true);
        } catch (err) {
          expectActionable(err);
        }
      }),
      runs(8_000),
    );
  });
});

describe('fuzz: properties strings and batch bodies', { timeout: FUZZ_TIMEOUT_MS }, () => {
  const propText = fc.string({
    maxLength: 60,
    unit: fc.oneof(
      fc.constantFrom('\u0001', '\u0002', 'a', 'K', '_', '\u0000', '\ud800', '🙂'),
      fc.string({ minLength: 1, maxLength: 1 }),
    ),
  });

  it('any properties string decodes to own string entries that encode back to the same map', () => {
    fc.assert(
      fc.property(fc.oneof(propText, fc.constantFrom(...HOSTILE_STRINGS)), (s) => {
        const props = decodeProperties(s);
        expect(Object.getPrototypeOf(props)).toBe(Object.prototype);
        for (const k of Object.keys(props)) {
          expect(typeof props[k]).toBe('string');
          expect(k).not.toBe('');
          expect(props[k]).not.toBe('');
        }
        expect(decodeProperties(encodeProperties(props))).toEqual(props);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      runs(15_000),
    );
  });

  it('random and mutated batch bodies decode within bounds or throw RangeError', () => {
    const golden = goldenBatchBody();
    const built = encodeBatch([
      { flag: 0, body: Buffer.from('x'), properties: { TAGS: 'A', KEYS: 'k' } },
      { flag: 7, body: Buffer.alloc(0), properties: {} },
    ]);
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 120 }).map((a) => Buffer.from(a)),
      fc.tuple(fc.constantFrom(golden, built), mutations).map(([b, ms]) => mutate(b, ms)),
    );
    fc.assert(
      fc.property(body, (b) => {
        onlyThrows([RangeError], () => {
          let total = 0;
          for (const item of decodeBatch(b)) {
            total += 22 + item.body.length;
            for (const k of Object.keys(item.properties)) {
              expect(typeof item.properties[k]).toBe('string');
            }
          }
          expect(total).toBeLessThanOrEqual(b.length);
        });
      }),
      runs(20_000),
    );
  });
});

describe('fuzz: request and response bodies', { timeout: FUZZ_TIMEOUT_MS }, () => {
  /** The zlib form of a register body, with lengths and counts that lie. */
  const compressedRegister = fc
    .tuple(
      fc.array(
        fc.oneof(
          fc.record({ n: fc.integer({ min: -8, max: 64 }), s: fc.string({ maxLength: 12 }) }),
          fc.record({ n: fc.integer(), s: fc.constant('') }),
        ),
        { maxLength: 6 },
      ),
      fc.oneof(fc.integer({ min: -2, max: 8 }), fc.integer()),
    )
    .map(([strings, count]) => {
      const parts: Buffer[] = [];
      const str = (n: number, s: string) => {
        const b = Buffer.alloc(4);
        b.writeInt32BE(n | 0, 0);
        parts.push(b, Buffer.from(s, 'utf8'));
      };
      const [first, ...rest] = strings;
      str(first?.n ?? 2, first?.s ?? '{}');
      const c = Buffer.alloc(4);
      c.writeInt32BE(count | 0, 0);
      parts.push(c);
      for (const { n, s } of rest) str(n, s);
      return deflateSync(Buffer.concat(parts));
    });

  it('register-broker bodies (JSON and zlib) decode or throw, and never hang', () => {
    const body = fc.oneof(
      fc.constantFrom(...HOSTILE_JSON_BODIES).map((s) => ({ b: Buffer.from(s), z: false })),
      compressedRegister.map((b) => ({ b, z: true })),
      fc.uint8Array({ maxLength: 64 }).map((a) => ({ b: Buffer.from(a), z: true })),
    );
    fc.assert(
      fc.property(body, ({ b, z }) => {
        try {
          const r = decodeRegisterBrokerBody(b, z);
          expect(typeof r).toBe('object');
        } catch (err) {
          // The name server answers any throw here with SYSTEM_ERROR and the message.
          if (!(err instanceof Error)) throw err;
          expect(err.message).not.toBe('');
        }
      }),
      runs(4_000),
    );
  });

  it('offset tables and route bodies decode or throw a ProtocolError, never hang', () => {
    const text = fc.oneof(
      fc.constantFrom(...HOSTILE_JSON_BODIES),
      fc.string({ maxLength: 80 }),
      fc.json(),
      fc
        .tuple(fc.constant('{"offsetTable":{'), fc.string({ maxLength: 40 }), fc.constant('}}'))
        .map((p) => p.join('')),
    );
    fc.assert(
      fc.property(text, (s) => {
        const b = Buffer.from(s, 'utf8');
        onlyThrows([ProtocolError], () => decodeOffsetTable(b));
        onlyThrows([ProtocolError], () => decodeTopicRouteData(b));
      }),
      runs(15_000),
    );
  });
});

describe('fuzz: admin response bodies (what AdminClient decodes)', {
  timeout: FUZZ_TIMEOUT_MS,
}, () => {
  const dir = new URL('./golden/bodies/', import.meta.url);
  const goldens = readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => readFileSync(new URL(f, dir)));
  const decoders = [
    decodeTopicStatsTable,
    decodeTopicList,
    decodeGroupList,
    decodeProducerConnection,
    decodeConsumerConnection,
    decodeBrokerStatsData,
    decodeConsumeStats,
    decodeConsumeStatsList,
    decodeKvTable,
    decodeClusterInfo,
    decodeOffsetTable,
    decodeTopicConfigTable,
    decodeBrokerConsoleSnapshot,
  ];

  it('mutated golden and hostile bodies decode to a value or throw ProtocolError, nothing else', () => {
    const body = fc.oneof(
      fc.tuple(fc.constantFrom(...goldens), mutations).map(([b, ms]) => mutate(b, ms)),
      fc.constantFrom(...HOSTILE_JSON_BODIES).map((t) => Buffer.from(t, 'utf8')),
      fc.json().map((t) => Buffer.from(t, 'utf8')),
    );
    fc.assert(
      fc.property(body, fc.constantFrom(...decoders), (b, decode) => {
        onlyThrows([ProtocolError], () => {
          expect(typeof decode(b)).toBe('object');
        });
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      runs(15_000),
    );
  });
});

describe('fuzz: pulled message records (what a client decodes)', {
  timeout: FUZZ_TIMEOUT_MS,
}, () => {
  it('mutated stored records decode within bounds or throw RangeError', () => {
    const golden = ['record-v1-ipv4.json', 'record-ali-ons-consumer-view.json'].map((name) => {
      const j = JSON.parse(readFileSync(new URL(`./golden/${name}`, import.meta.url), 'utf8'));
      return Buffer.from((j as { hex: string }).hex, 'hex');
    });
    const records = fc.oneof(
      fc.tuple(fc.constantFrom(...golden), mutations).map(([b, ms]) => mutate(b, ms)),
      fc
        .tuple(fc.array(fc.constantFrom(...golden), { minLength: 1, maxLength: 3 }), mutations)
        .map(([bs, ms]) => mutate(Buffer.concat(bs), ms)),
    );
    fc.assert(
      fc.property(records, (b) => {
        onlyThrows([RangeError], () => {
          for (const m of decodeRecords(b)) {
            expect(m.storeSize).toBeLessThanOrEqual(b.length);
            expect(m.body.length).toBeLessThanOrEqual(m.storeSize);
            for (const k of Object.keys(m.properties))
              expect(typeof m.properties[k]).toBe('string');
          }
        });
      }),
      runs(10_000),
    );
  });
});

describe('fuzz: totals', { timeout: FUZZ_TIMEOUT_MS }, () => {
  it('runs at least 200,000 cases with RSS bounded', () => {
    expect(cases).toBeGreaterThanOrEqual(200_000);
    // Generous: the decoders keep nothing between cases, so growth is the heap's own slack.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(512 * 1024 * 1024);
  });
});
