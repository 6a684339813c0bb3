// Seeds of the fuzz suites for the admin request codes (docs/request-codes.md, Administration and
// Name server tables): one well-formed request per code the broker or name server answers, with
// a body where the code takes one. Each is built to be answered at once: a consumer call goes to
// a client id nobody holds, an update names a key that needs a restart, a half-message call names
// a message or transaction that is not one; a fuzz case then bends its fields and body.
import { encodeSubscriptionGroupConfig } from '../../src/protocol/bodies/subscription-group.js';
import { createRequest, type RemotingCommand } from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';

const R = RequestCode;
/** An offset msgId of commit-log offset 0 (a normal message once the fuzz topic has one). */
const OFFSET_ZERO_MSG_ID = '7F00000100002A9F0000000000000000';

/** Admin requests the broker answers; opaques from `firstOpaque` on. */
export function brokerAdminSeeds(
  topic: string,
  group: string,
  firstOpaque: number,
): RemotingCommand[] {
  const text = (s: string) => Buffer.from(s, 'utf8');
  const nobody = { consumerGroup: group, clientId: 'nobody@fuzz' };
  const seeds: [number, Record<string, string | number | boolean>, Buffer?][] = [
    [R.GET_ALL_TOPIC_CONFIG, {}],
    [R.GET_BROKER_RUNTIME_INFO, {}],
    [R.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, {}],
    [R.GET_ALL_DELAY_OFFSET, {}],
    [R.GET_ALL_CONSUMER_OFFSET, {}],
    [R.GET_BROKER_CONFIG, {}],
    // brokerClusterName needs a restart: refused by name, nothing changes.
    [R.UPDATE_BROKER_CONFIG, {}, text('brokerClusterName=FuzzOther\n')],
    [R.VIEW_BROKER_STATS_DATA, { statsName: 'TOPIC_PUT_NUMS', statsKey: topic }],
    [R.GET_BROKER_CONSUME_STATS, { isOrder: false }],
    [R.GET_TOPIC_STATS_INFO, { topic }],
    [R.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: group }],
    [R.GET_PRODUCER_CONNECTION_LIST, { producerGroup: 'PG_FUZZ' }],
    [R.GET_CONSUME_STATS, { consumerGroup: group, topic }],
    [
      R.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP,
      {},
      encodeSubscriptionGroupConfig({ groupName: `${group}_sub`, retryMaxTimes: 3 }),
    ],
    [R.DELETE_SUBSCRIPTIONGROUP, { groupName: `${group}_sub`, cleanOffset: false }],
    [R.QUERY_TOPIC_CONSUME_BY_WHO, { topic }],
    [R.QUERY_TOPICS_BY_CONSUMER, { group }],
    [R.CLONE_GROUP_OFFSET, { srcGroup: group, destGroup: `${group}_clone`, topic, offline: false }],
    [R.GET_CONSUMER_RUNNING_INFO, { ...nobody, jstackEnable: false }],
    [R.CONSUME_MESSAGE_DIRECTLY, { ...nobody, msgId: OFFSET_ZERO_MSG_ID }],
    [R.RESUME_CHECK_HALF_MESSAGE, { msgId: OFFSET_ZERO_MSG_ID }],
    [R.KITEMQ_QUERY_HALF_MESSAGES, {}],
    [R.KITEMQ_END_HALF_MESSAGE, { transactionId: 'no-such-tx', commitOrRollback: 8 }],
    [R.KITEMQ_GET_BROKER_CONSOLE_SNAPSHOT, {}],
  ];
  return seeds.map(([code, fields, body], i) => createRequest(code, firstOpaque + i, fields, body));
}

/** Admin requests the name server answers (the fuzz name server has broker-fuzz registered). */
export function namesrvAdminSeeds(firstOpaque: number): RemotingCommand[] {
  const seeds: [number, Record<string, string>, Buffer?][] = [
    [R.GET_BROKER_CLUSTER_INFO, {}],
    [R.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, {}],
    [R.WIPE_WRITE_PERM_OF_BROKER, { brokerName: 'broker-fuzz' }],
    [R.ADD_WRITE_PERM_OF_BROKER, { brokerName: 'broker-fuzz' }],
    [R.GET_NAMESRV_CONFIG, {}],
    // listenPort needs a restart: NO_PERMISSION naming it, nothing changes.
    [R.UPDATE_NAMESRV_CONFIG, {}, Buffer.from('listenPort=1\n', 'utf8')],
    [R.GET_SYSTEM_TOPIC_LIST_FROM_NS, {}],
  ];
  return seeds.map(([code, fields, body], i) => createRequest(code, firstOpaque + i, fields, body));
}

export const NAMESRV_ADMIN_CODES: readonly number[] = [
  R.GET_BROKER_CLUSTER_INFO,
  R.GET_ALL_TOPIC_LIST_FROM_NAMESERVER,
  R.WIPE_WRITE_PERM_OF_BROKER,
  R.ADD_WRITE_PERM_OF_BROKER,
  R.GET_NAMESRV_CONFIG,
  R.UPDATE_NAMESRV_CONFIG,
  R.GET_SYSTEM_TOPIC_LIST_FROM_NS,
];

/** Bodies shaped like the admin bodies, wrong in one place each. */
export const HOSTILE_ADMIN_BODIES = [
  '{"groupName":5}',
  '{"groupName":"%RETRY%x","retryQueueNums":-1}',
  '{"groupName":"G","retryMaxTimes":"1e400"}',
  '{"groupName":"G","attributes":[1]}',
  '{"groupName":"G","groupRetryPolicy":{"type":5}}',
  'brokerClusterName=\u0000',
  '=\n=\n',
  'flushDiskType\n',
  'brokerPermission=abc',
  'listenPort=99999999999999999999',
  '{"offsetTable":{{"brokerName":1}:2}}',
  '{"table":{"k":1}}',
];

const HOSTILE_VALUES = [
  '',
  '-1',
  '2147483648',
  '9223372036854775808',
  '1e3',
  'NaN',
  'true',
  '__proto__',
  '%RETRY%x',
  'a'.repeat(300),
  '\u0000',
  '{"a":1}',
  'TBW102',
];

/**
 * One fuzz case of a seed: a few header fields set to hostile values or dropped, and sometimes
 * the body replaced (hostile JSON, admin-shaped, random bytes) or cut. `rand` is the suite's PRNG.
 */
export function hostileVariant(
  seed: RemotingCommand,
  opaque: number,
  rand: () => number,
  bodies: readonly string[],
): RemotingCommand {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const ext: Record<string, string> = { ...seed.extFields };
  const names = Object.keys(ext);
  for (let n = 1 + Math.floor(rand() * 3); n > 0; n--) {
    const k = names.length > 0 && rand() < 0.85 ? pick(names) : pick(HOSTILE_VALUES) || 'x';
    if (rand() < 0.2) delete ext[k];
    else ext[k] = pick(HOSTILE_VALUES);
  }
  let body = seed.body;
  const b = rand();
  if (b < 0.3) body = Buffer.from(pick(bodies), 'utf8');
  else if (b < 0.4) body = Buffer.from(Array.from({ length: 48 }, () => Math.floor(rand() * 256)));
  else if (b < 0.5 && body) body = body.subarray(0, Math.floor(rand() * body.length));
  else if (b < 0.55) body = undefined;
  const cmd = createRequest(seed.code, opaque, ext, body);
  cmd.extFields = ext; // keep hostile keys such as __proto__ exactly
  return cmd;
}

/** What an unvalidated path looks like on the wire: the answer to a non-KiteError throw. */
export const RAW_EXCEPTION = /^(TypeError|RangeError|ReferenceError|SyntaxError|Error): /;

/** Why an answer to a rejected request is a finding, or undefined when it is a proper one. */
export function badAnswer(code: number, remark: string | undefined): string | undefined {
  if (code === 0) return undefined;
  if (typeof remark !== 'string' || remark === '') return `code ${code} without a remark`;
  if (RAW_EXCEPTION.test(remark)) return `raw exception '${remark}'`;
  return undefined;
}

/** A request in one line for a finding: code, header fields, the start of the body. */
export function describeCmd(cmd: RemotingCommand): string {
  const body = cmd.body
    ? ` body ${JSON.stringify(cmd.body.subarray(0, 80).toString('latin1'))}`
    : '';
  return `code ${cmd.code} ${JSON.stringify(cmd.extFields)}${body}`;
}
