// Shared pieces of the fuzz suites (src/protocol/fuzz.test.ts and
// test/integration/fuzz-wire.test.ts): the seed, the golden frames used as mutation seeds, and
// the mutators.
//
// Seed: every run prints `[fuzz] seed=N`; KITEMQ_FUZZ_SEED=N replays exactly the same cases.
// fast-check also prints its own seed and counterexample path when a property fails.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { encodeBatch } from '../../src/message/batch-codec.js';
import { encodeProperties } from '../../src/message/properties-codec.js';
import { encodeSendMsgBackHeader } from '../../src/protocol/headers/consumer-send-msg-back.js';
import {
  encodeQueryConsumerOffsetHeader,
  encodeSearchOffsetHeader,
  encodeTopicQueueHeader,
  encodeUpdateConsumerOffsetHeader,
} from '../../src/protocol/headers/offsets.js';
import { encodePullHeader, PullSysFlag } from '../../src/protocol/headers/pull.js';
import { encodeSendHeader } from '../../src/protocol/headers/send.js';
import {
  createRequest,
  encodeBinaryCommand,
  encodeCommand,
  type RemotingCommand,
} from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import {
  brokerAdminSeeds,
  HOSTILE_ADMIN_BODIES,
  NAMESRV_ADMIN_CODES,
  namesrvAdminSeeds,
} from './fuzz-admin.js';
import { sendHeaderOf } from './raw-protocol.js';

const GOLDEN_DIR = fileURLToPath(new URL('../../src/protocol/golden/', import.meta.url));

let seedPrinted = false;

/** KITEMQ_FUZZ_SEED when set (to replay a run), else a fresh one; printed once per process. */
export function fuzzSeed(): number {
  const fromEnv = process.env.KITEMQ_FUZZ_SEED;
  let seed: number;
  if (fromEnv !== undefined && fromEnv !== '') {
    seed = Number(fromEnv);
    if (!Number.isSafeInteger(seed)) {
      throw new Error(`KITEMQ_FUZZ_SEED must be an integer, got '${fromEnv}'`);
    }
  } else {
    seed = (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0;
  }
  if (!seedPrinted) {
    seedPrinted = true;
    console.log(`[fuzz] seed=${seed} (replay: KITEMQ_FUZZ_SEED=${seed} npx vitest run <file>)`);
  }
  return seed;
}

/** A small deterministic PRNG (mulberry32) for the process suite's own loops. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every golden fixture that is a whole frame (length prefix included), by file name. */
export function goldenFrames(): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(GOLDEN_DIR).sort()) {
    if (!name.endsWith('.json')) continue;
    const j = JSON.parse(readFileSync(join(GOLDEN_DIR, name), 'utf8')) as { hex?: unknown };
    if (typeof j.hex !== 'string') continue;
    const b = Buffer.from(j.hex, 'hex');
    if (b.length >= 8 && b.readInt32BE(0) === b.length - 4) out.set(name, b);
  }
  return out;
}

export function goldenBatchBody(): Buffer {
  const j = JSON.parse(readFileSync(join(GOLDEN_DIR, 'batch-two-items.json'), 'utf8'));
  return Buffer.from((j as { hex: string }).hex, 'hex');
}

const sendFields = (topic: string, props: string, queueId = 0) =>
  sendHeaderOf(topic, queueId, props, {
    producerGroup: 'PG_FUZZ',
    bornTimestamp: 1_700_000_000_000,
    reconsumeTimes: 0,
    unitMode: false,
  });

/**
 * Well-formed requests for the codes the broker and name server parse, as RemotingCommands: the
 * seeds the frame mutators start from, in both header serializations.
 */
export function seedRequests(topic: string, group: string): RemotingCommand[] {
  const props = encodeProperties({ TAGS: 'TagA', KEYS: 'k1', WAIT: 'true' });
  const mq = { topic, brokerName: 'broker-fuzz', queueId: 0 };
  const queue0 = { topic, queueId: 0 };
  const heartbeat = {
    clientID: '127.0.0.1@fuzz',
    producerDataSet: [{ groupName: 'PG_FUZZ' }],
    consumerDataSet: [
      {
        groupName: group,
        consumeType: 'CONSUME_PASSIVELY',
        messageModel: 'CLUSTERING',
        consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
        subscriptionDataSet: [{ topic, subString: 'TagA || TagB', subVersion: 1 }],
      },
    ],
  };
  const lock = { consumerGroup: group, clientId: '127.0.0.1@fuzz', mqSet: [mq] };
  const json = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8');
  const R = RequestCode;
  return [
    createRequest(
      R.SEND_MESSAGE_V2,
      1,
      encodeSendHeader(sendFields(topic, props), { v2: true }),
      Buffer.from('fuzz body'),
    ),
    createRequest(
      R.SEND_MESSAGE,
      2,
      encodeSendHeader(sendFields(topic, props, 1), { v2: false }),
      Buffer.from('v1 body'),
    ),
    createRequest(
      R.SEND_BATCH_MESSAGE,
      3,
      encodeSendHeader({ ...sendFields(topic, ''), batch: true }, { v2: true }),
      encodeBatch([
        { flag: 0, body: Buffer.from('one'), properties: { TAGS: 'A' } },
        { flag: 0, body: Buffer.from('two'), properties: { KEYS: 'k2' } },
      ]),
    ),
    createRequest(
      R.PULL_MESSAGE,
      4,
      encodePullHeader({
        consumerGroup: group,
        topic,
        queueId: 0,
        queueOffset: 0,
        maxMsgNums: 32,
        sysFlag: PullSysFlag.SUSPEND,
        commitOffset: 0,
        suspendTimeoutMillis: 0,
        subscription: '*',
        subVersion: 0,
        expressionType: 'TAG',
      }),
    ),
    createRequest(
      R.LITE_PULL_MESSAGE,
      5,
      encodePullHeader({
        consumerGroup: group,
        topic,
        queueId: 0,
        queueOffset: 0,
        maxMsgNums: 8,
        sysFlag: 0,
        suspendTimeoutMillis: 0,
        subscription: '*',
        expressionType: 'TAG',
      }),
    ),
    createRequest(
      R.UPDATE_CONSUMER_OFFSET,
      6,
      encodeUpdateConsumerOffsetHeader({ ...queue0, consumerGroup: group, commitOffset: 0 }),
    ),
    createRequest(
      R.QUERY_CONSUMER_OFFSET,
      7,
      encodeQueryConsumerOffsetHeader({ ...queue0, consumerGroup: group }),
    ),
    createRequest(R.GET_CONSUMER_LIST_BY_GROUP, 8, { consumerGroup: group }),
    createRequest(R.HEART_BEAT, 9, {}, json(heartbeat)),
    createRequest(R.UNREGISTER_CLIENT, 10, { clientID: '127.0.0.1@fuzz', consumerGroup: group }),
    createRequest(R.CHECK_CLIENT_CONFIG, 11, {}, json({ subscriptionData: { topic } })),
    createRequest(R.QUERY_MESSAGE, 12, {
      topic,
      key: 'k1',
      maxNum: 32,
      beginTimestamp: 0,
      endTimestamp: 1_800_000_000_000,
    }),
    createRequest(R.VIEW_MESSAGE_BY_ID, 13, { offset: 0 }),
    createRequest(
      R.CONSUMER_SEND_MSG_BACK,
      14,
      encodeSendMsgBackHeader({
        offset: 0,
        group,
        delayLevel: 0,
        originMsgId: '7F00000100002A9F0000000000000000',
        originTopic: topic,
        maxReconsumeTimes: 16,
      }),
    ),
    createRequest(R.LOCK_BATCH_MQ, 15, {}, json(lock)),
    createRequest(R.UNLOCK_BATCH_MQ, 16, {}, json(lock)),
    createRequest(R.GET_MAX_OFFSET, 17, encodeTopicQueueHeader(queue0)),
    createRequest(R.GET_MIN_OFFSET, 18, encodeTopicQueueHeader(queue0)),
    createRequest(
      R.SEARCH_OFFSET_BY_TIMESTAMP,
      19,
      encodeSearchOffsetHeader({ ...queue0, timestamp: 0 }),
    ),
    createRequest(R.GET_EARLIEST_MSG_STORETIME, 20, encodeTopicQueueHeader(queue0)),
    createRequest(R.GET_TOPIC_CONFIG, 21, { topic }),
    createRequest(R.INVOKE_BROKER_TO_RESET_OFFSET, 22, {
      topic,
      group,
      timestamp: 0,
      isForce: true,
    }),
    ...laterSeedRequests(topic),
    ...brokerAdminSeeds(topic, group, 35),
    ...namesrvAdminSeeds(100),
  ];
}

/** Seeds 23 on: broker registration, KV config and topic admin (their order is part of a seed). */
function laterSeedRequests(topic: string): RemotingCommand[] {
  const register = {
    topicConfigSerializeWrapper: {
      dataVersion: { counter: 1, timestamp: 1 },
      topicConfigTable: {
        [topic]: { topicName: topic, readQueueNums: 4, writeQueueNums: 4, perm: 6 },
      },
    },
    filterServerList: [],
  };
  const json = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8');
  const R = RequestCode;
  return [
    createRequest(
      R.REGISTER_BROKER,
      23,
      {
        brokerName: 'broker-fuzz',
        brokerAddr: '127.0.0.1:1',
        clusterName: 'FuzzCluster',
        haServerAddr: '127.0.0.1:2',
        brokerId: 0,
        compressed: false,
      },
      json(register),
    ),
    createRequest(R.GET_ROUTEINFO_BY_TOPIC, 24, { topic }),
    createRequest(R.PUT_KV_CONFIG, 25, { namespace: 'FUZZ', key: 'k', value: 'v' }),
    createRequest(R.GET_KV_CONFIG, 26, { namespace: 'FUZZ', key: 'k' }),
    createRequest(R.UPDATE_AND_CREATE_TOPIC, 27, {
      topic: `${topic}_admin`,
      defaultTopic: 'TBW102',
      readQueueNums: 2,
      writeQueueNums: 2,
      perm: 6,
      topicFilterType: 'SINGLE_TAG',
      topicSysFlag: 0,
      order: false,
    }),
    createRequest(R.DELETE_TOPIC_IN_BROKER, 28, { topic: `${topic}_admin` }),
    createRequest(R.UNREGISTER_BROKER, 29, {
      brokerName: 'broker-fuzz',
      brokerAddr: '127.0.0.1:1',
      clusterName: 'FuzzCluster',
      brokerId: 0,
    }),
    createRequest(
      R.QUERY_DATA_VERSION,
      30,
      {
        brokerName: 'broker-fuzz',
        brokerAddr: '127.0.0.1:1',
        clusterName: 'FuzzCluster',
        brokerId: 0,
      },
      json({ counter: 1, timestamp: 1 }),
    ),
    createRequest(R.GET_TOPICS_BY_CLUSTER, 31, { cluster: 'FuzzCluster' }),
    createRequest(R.DELETE_TOPIC_IN_NAMESRV, 32, { topic: `${topic}_gone`, clusterName: 'X' }),
    createRequest(R.DELETE_KV_CONFIG, 33, { namespace: 'FUZZ', key: 'gone' }),
    createRequest(R.GET_KVLIST_BY_NAMESPACE, 34, { namespace: 'FUZZ' }),
  ];
}

/** The request codes of the seeds that the name server serves (the rest go to the broker). */
export const NAMESRV_CODES: ReadonlySet<number> = new Set<number>([
  RequestCode.REGISTER_BROKER,
  RequestCode.UNREGISTER_BROKER,
  RequestCode.QUERY_DATA_VERSION,
  RequestCode.GET_ROUTEINFO_BY_TOPIC,
  RequestCode.GET_TOPICS_BY_CLUSTER,
  RequestCode.DELETE_TOPIC_IN_NAMESRV,
  RequestCode.PUT_KV_CONFIG,
  RequestCode.GET_KV_CONFIG,
  RequestCode.DELETE_KV_CONFIG,
  RequestCode.GET_KVLIST_BY_NAMESPACE,
  ...NAMESRV_ADMIN_CODES,
]);

/** Both serializations of every seed request, as whole frames. */
export function seedFrames(topic: string, group: string): Buffer[] {
  const out: Buffer[] = [...goldenFrames().values()];
  for (const cmd of seedRequests(topic, group)) {
    out.push(encodeCommand(cmd), encodeBinaryCommand(cmd));
  }
  return out;
}

const INTERESTING_BYTES = [0x00, 0x01, 0x02, 0x7f, 0x80, 0xff, 0x22, 0x5c, 0x7b, 0x7d, 0x3a, 0x2c];
const INTERESTING_INT32 = [0, 1, -1, 3, 4, 5, 21, 0x7fffffff, -0x80000000, 0xffffff, 0x1000000];

export type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; n: number }
  | { op: 'dup'; at: number; n: number }
  | { op: 'int32'; at: number; value: number }
  | { op: 'length'; delta: number }
  | { op: 'headerLength'; value: number };

/** Positions are fractions of the current length, so one mutation list fits any frame. */
const at = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    op: fc.constant('set' as const),
    at,
    value: fc.oneof(fc.constantFrom(...INTERESTING_BYTES), fc.integer({ min: 0, max: 255 })),
  }),
  fc.record({ op: fc.constant('truncate' as const), at }),
  fc.record({
    op: fc.constant('insert' as const),
    at,
    bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  }),
  fc.record({ op: fc.constant('delete' as const), at, n: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ op: fc.constant('dup' as const), at, n: fc.integer({ min: 1, max: 32 }) }),
  fc.record({
    op: fc.constant('int32' as const),
    at,
    value: fc.oneof(fc.constantFrom(...INTERESTING_INT32), fc.integer()),
  }),
  fc.record({ op: fc.constant('length' as const), delta: fc.integer({ min: -64, max: 64 }) }),
  fc.record({
    op: fc.constant('headerLength' as const),
    value: fc.oneof(fc.constantFrom(...INTERESTING_INT32), fc.integer()),
  }),
);

/** Applies mutations to a copy of frame (whole frame, length prefix included). */
export function mutate(frame: Buffer, mutations: readonly Mutation[]): Buffer {
  let b = Buffer.from(frame);
  const pos = (f: number) => Math.floor(f * b.length);
  for (const m of mutations) {
    switch (m.op) {
      case 'flip':
        if (b.length > 0) b[pos(m.at)]! ^= 1 << m.bit;
        break;
      case 'set':
        if (b.length > 0) b[pos(m.at)] = m.value;
        break;
      case 'truncate':
        b = b.subarray(0, pos(m.at));
        break;
      case 'insert': {
        const p = pos(m.at);
        b = Buffer.concat([b.subarray(0, p), m.bytes, b.subarray(p)]);
        break;
      }
      case 'delete': {
        const p = pos(m.at);
        b = Buffer.concat([b.subarray(0, p), b.subarray(p + m.n)]);
        break;
      }
      case 'dup': {
        const p = pos(m.at);
        b = Buffer.concat([b.subarray(0, p + m.n), b.subarray(p)]);
        break;
      }
      case 'int32': {
        if (b.length < 4) break;
        const p = Math.min(pos(m.at), b.length - 4);
        b.writeInt32BE(m.value | 0, p);
        break;
      }
      case 'length':
        if (b.length >= 4) b.writeInt32BE((b.readInt32BE(0) + m.delta) | 0, 0);
        break;
      case 'headerLength':
        if (b.length >= 8) b.writeInt32BE(m.value | 0, 4);
        break;
    }
  }
  return b;
}

/** Rewrites the length prefix to match, so a mutated frame reaches the command decoder. */
export function withConsistentLength(frame: Buffer): Buffer {
  if (frame.length < 4) return frame;
  const b = Buffer.from(frame);
  b.writeInt32BE(b.length - 4, 0);
  return b;
}

/** Strings that have broken number and text parsers before. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-Infinity',
  '0',
  '-0',
  '+1',
  '-1',
  '1e3',
  '0x10',
  ' 5',
  '5 ',
  '1.5',
  '2147483647',
  '2147483648',
  '-2147483649',
  '9007199254740993',
  '9223372036854775807',
  '-9223372036854775808',
  '99999999999999999999999',
  'true',
  'FALSE',
  '__proto__',
  'constructor',
  'toString',
  '%RETRY%',
  '%DLQ%x',
  'TBW102',
  'SCHEDULE_TOPIC_XXXX',
  'a'.repeat(300),
  '\u0000',
  '\u0001\u0002',
  'TAGS\u0001A\u0002',
  '\ud800',
  '{"a":1}',
  '[]',
  '*',
  '||',
  'a b',
  'k\u0001v\u0002__proto__\u0001x\u0002',
];

/** Bodies for JSON-body requests: broken, wrong-shaped and deeply nested. */
export const HOSTILE_JSON_BODIES = [
  '',
  'null',
  'true',
  '0',
  '"x"',
  '[]',
  '{}',
  '{"consumerDataSet":5}',
  '{"consumerDataSet":[null,5,"x",{"groupName":5}]}',
  '{"consumerDataSet":[{"groupName":"G","subscriptionDataSet":[null,{"topic":5}]}]}',
  '{"producerDataSet":{"groupName":"x"}}',
  '{"producerDataSet":[null]}',
  '{"clientID":{}}',
  '{"subscriptionData":null}',
  '{"subscriptionData":{"expressionType":5,"subString":7}}',
  '{"subscriptionData":{"expressionType":"SQL92","subString":{}}}',
  '{"consumerGroup":"g","clientId":"c","mqSet":{"length":1}}',
  '{"consumerGroup":"g","clientId":"c","mqSet":[{"topic":"t","brokerName":"b","queueId":"1e400"}]}',
  '{"topicConfigSerializeWrapper":5}',
  '{"topicConfigSerializeWrapper":{"topicConfigTable":5}}',
  '{"topicConfigSerializeWrapper":{"topicConfigTable":{"T":null}}}',
  '{"topicConfigSerializeWrapper":{"topicConfigTable":{"T":{"readQueueNums":"x"}}}}',
  '{"topicConfigTable":[1,2],"dataVersion":"x","filterServerList":"x"}',
  '{"filterServerList":[1,{}]}',
  '{"__proto__":{"polluted":1}}',
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`,
  '{1:{2:{3:4}}}',
  '\u0000\ufffd',
  ...HOSTILE_ADMIN_BODIES,
];
