// The producer's properties string stored as it came: every send of the matrix is stored twice,
// once with the pass-through and once re-encoded from the decoded map, and the two records must
// be the same bytes but for where they sit (queue offset, commit-log offset) and when (store
// timestamp), and the UNIQ_KEY the broker makes up when a producer sent none.
import { afterEach, describe, expect, it } from 'vitest';
import { encodeBatch } from '../../message/batch-codec.js';
import { decodeOffsetMsgId } from '../../message/message-id.js';
import { encodeProperties } from '../../message/properties-codec.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { brokerPerTest, sendFields } from '../in-process-broker.fixture.js';
import { completeSendProperties, setPropertiesPassThrough } from './send-common.js';

const h = brokerPerTest({ timerWheelEnable: true }, () => {
  h.createTopic('Orders', 1);
});

afterEach(() => setPropertiesPassThrough(true));

const U = 'C0A8000100002A9F0000000000000001'; // a producer's UNIQ_KEY
const p = (props: Record<string, string>) => encodeProperties(props);

// [case, topic, properties string as the producer wrote it, passed through?]
const MATRIX: [string, string, string, boolean][] = [
  ['plain', 'Orders', p({ UNIQ_KEY: U }), true],
  ['tags and keys', 'Orders', p({ TAGS: 'TagA', KEYS: 'k1 k2', UNIQ_KEY: U, WAIT: 'true' }), true],
  ['unicode values', 'Orders', p({ TAGS: '订单', KEYS: 'ключ ✓', UNIQ_KEY: U, n: '😀' }), true],
  ['sql92 user properties', 'Orders', p({ UNIQ_KEY: U, price: '10', region: 'eu', a: 'b' }), true],
  ['delay level', 'Orders', p({ UNIQ_KEY: U, DELAY: '3', TAGS: 'T' }), true],
  // An absolute time: a relative one gives each of the pair its own TIMER_OUT_MS.
  ['timer', 'Orders', p({ UNIQ_KEY: U, TIMER_DELIVER_MS: String(Date.now() + 3_600_000) }), true],
  ['transaction half', 'Orders', p({ UNIQ_KEY: U, TRAN_MSG: 'true', PGROUP: 'PG' }), true],
  ['retry topic', '%RETRY%G', p({ UNIQ_KEY: U, RETRY_TOPIC: 'Orders' }), true],
  ['no UNIQ_KEY', 'Orders', p({ TAGS: 'TagA' }), true],
  ['no properties', 'Orders', '', true],
  ['CLUSTER already the broker’s', 'Orders', p({ UNIQ_KEY: U, CLUSTER: 'DefaultCluster' }), true],
  ['CLUSTER of another', 'Orders', p({ CLUSTER: 'Other', UNIQ_KEY: U }), false],
  ['POP_CK', 'Orders', p({ UNIQ_KEY: U, POP_CK: 'x' }), false],
  [
    'duplicated name',
    'Orders',
    `TAGS\u0001a\u0002UNIQ_KEY\u0001${U}\u0002TAGS\u0001b\u0002`,
    false,
  ],
  ['no final separator', 'Orders', `UNIQ_KEY\u0001${U}\u0002TAGS\u0001a`, false],
  ['empty value', 'Orders', `UNIQ_KEY\u0001${U}\u0002TAGS\u0001\u0002`, false],
  ['integer-like name', 'Orders', `UNIQ_KEY\u0001${U}\u00021\u0001x\u0002`, false],
];

async function storedRecord(topic: string, fields: Record<string, string>, body: Buffer) {
  const res = await h.request(RequestCode.SEND_MESSAGE_V2, fields, body);
  expect(res.code, res.remark).toBe(ResponseCode.SUCCESS);
  const records = res.extFields.msgId!.split(',').map((id) => {
    const bytes = h.ctx.store.getRecordBytes(decodeOffsetMsgId(id).commitLogOffset);
    expect(bytes, topic).toBeDefined();
    return Buffer.from(bytes!);
  });
  return { records, uniq: res.extFields.transactionId! };
}

/** The record with where and when it was stored zeroed (v1 layout, IPv4 hosts). */
function placeless(record: Buffer): Buffer {
  const b = Buffer.from(record);
  b.fill(0, 20, 36); // queueOffset, physicalOffset
  b.fill(0, 56, 64); // storeTimestamp
  return b;
}

describe('producer properties passed through to the record', () => {
  it.each(MATRIX)('%s: the same record bytes either way', async (_, topic, props, passes) => {
    expect(completeSendProperties(h.ctx, props).encoded !== undefined).toBe(passes);
    const fields = { ...sendFields(topic), i: props };
    const body = Buffer.from('body ✓');
    setPropertiesPassThrough(true);
    const a = await storedRecord(topic, fields, body);
    setPropertiesPassThrough(false);
    const b = await storedRecord(topic, fields, body);
    expect(a.records).toHaveLength(1);
    const withA = placeless(a.records[0]!);
    const withB = placeless(b.records[0]!);
    // A made-up UNIQ_KEY differs from send to send; the same length and place in both.
    const bUniq = Buffer.from(b.uniq, 'latin1');
    const at = withB.indexOf(bUniq);
    if (a.uniq !== b.uniq && at >= 0) Buffer.from(a.uniq, 'latin1').copy(withB, at);
    expect(withA.equals(withB)).toBe(true);
    expect(withA.toString('latin1')).toContain('CLUSTER\u0001DefaultCluster\u0002');
  });

  it('a batch: the same record bytes either way', async () => {
    const items = [0, 1, 2].map((n) => ({
      body: Buffer.from(`item ${n}`),
      properties: { UNIQ_KEY: `${U.slice(0, -1)}${n}`, TAGS: 'B' },
      flag: 0,
    }));
    const fields = { ...sendFields('Orders'), m: 'true' };
    const body = encodeBatch(items);
    setPropertiesPassThrough(true);
    const a = await storedRecord('Orders', fields, body);
    setPropertiesPassThrough(false);
    const b = await storedRecord('Orders', fields, body);
    expect(a.records).toHaveLength(3);
    expect(a.records.map(placeless)).toStrictEqual(b.records.map(placeless));
  });
});
