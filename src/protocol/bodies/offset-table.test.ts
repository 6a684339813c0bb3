import { describe, expect, it } from 'vitest';
import { decodeOffsetTable, encodeOffsetTable } from './offset-table.js';

describe('ResetOffsetBody offset table (object-keyed map, fastjson form)', () => {
  it('encodes the bytes fastjson writes', () => {
    const body = encodeOffsetTable([
      { mq: { topic: 'T', brokerName: 'broker-a', queueId: 0 }, offset: 5 },
      { mq: { topic: 'T', brokerName: 'broker-a', queueId: 1 }, offset: 12 },
    ]);
    expect(body.toString()).toBe(
      '{"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:5,' +
        '{"brokerName":"broker-a","queueId":1,"topic":"T"}:12}}',
    );
  });

  it('decodes what it encodes, names with braces and quotes included, and an empty table', () => {
    const entries = [
      { mq: { topic: 'a}"{b', brokerName: 'b,1', queueId: 3 }, offset: 0 },
      { mq: { topic: 'T', brokerName: 'x', queueId: 7 }, offset: 9_007_199_254_740_991 },
    ];
    expect(decodeOffsetTable(encodeOffsetTable(entries))).toEqual(entries);
    expect(decodeOffsetTable(Buffer.from('{"offsetTable":{}}'))).toEqual([]);
    expect(
      decodeOffsetTable(
        Buffer.from(' { "offsetTable" : { {"topic":"T","queueId":1,"brokerName":"b"} : 4 } }'),
      ),
    ).toEqual([{ mq: { topic: 'T', brokerName: 'b', queueId: 1 }, offset: 4 }]);
  });

  it('rejects malformed bodies with a protocol error', () => {
    expect(() => decodeOffsetTable(Buffer.from('{}'))).toThrow(/no offsetTable/);
    const noOffset = Buffer.from('{"offsetTable":{{"brokerName":"b","topic":"T"}}}');
    expect(() => decodeOffsetTable(noOffset)).toThrow(/expected ':'/);
    const noBroker = Buffer.from('{"offsetTable":{{"topic":"T"}:1}}');
    expect(() => decodeOffsetTable(noBroker)).toThrow(/no topic and brokerName/);
    expect(() => decodeOffsetTable(Buffer.from('{"offsetTable":{{"topic":"T"'))).toThrow(
      /unterminated/,
    );
  });
});
