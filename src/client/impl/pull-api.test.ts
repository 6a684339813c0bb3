import { describe, expect, it } from 'vitest';
import { encodeRecord } from '../../message/record-codec.js';
import {
  createRequest,
  encodeCommand,
  type RemotingCommand,
} from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { buildPullRequest, decodePullResult, plainPullHeader } from './pull-api.js';

function record(queueId: number, tags: string): Buffer {
  const m = { topic: 'T', queueId, flag: 0, body: Buffer.from(tags), sysFlag: 0, bornTimestamp: 1 };
  const rest = { bornHost: '127.0.0.1:1', storeHost: '127.0.0.1:2', reconsumeTimes: 0 };
  return encodeRecord({ ...m, ...rest, properties: { TAGS: tags }, preparedTransactionOffset: 0 })
    .bytes;
}

const response = (code: number, ext: Record<string, string>, body?: Buffer) =>
  ({ code, extFields: ext, body, remark: 'why' }) as RemotingCommand;

describe('pull-api', () => {
  it('builds the same frame the hand-built push, lite and admin headers made', () => {
    const push = {
      consumerGroup: 'G',
      topic: 'T',
      queueId: 1,
      queueOffset: 5,
      maxMsgNums: 32,
      sysFlag: 7,
      commitOffset: 4,
      suspendTimeoutMillis: 15_000,
      subscription: 'A || B',
      subVersion: 123,
      expressionType: 'TAG',
    };
    const lite = plainPullHeader('G', 'T', 1, 5, 32, '*', 'TAG');
    const admin = plainPullHeader('TOOLS_CONSUMER', 'T', 1, 5, 8, '*', undefined);
    for (const header of [push, lite, admin]) {
      const old = createRequest(RequestCode.PULL_MESSAGE, 0, { ...header });
      expect(encodeCommand(buildPullRequest(header))).toEqual(encodeCommand(old));
    }
    expect(Object.keys(buildPullRequest(admin).extFields)).not.toContain('expressionType');
    expect(buildPullRequest(lite).extFields).toMatchObject({ sysFlag: '4', commitOffset: '0' });
  });

  it('decodes found records and keeps the subscribed tags only', () => {
    const body = Buffer.concat([record(0, 'A'), record(0, 'B'), record(0, 'C')]);
    const ext = { nextBeginOffset: '3', minOffset: '0', maxOffset: '3' };
    const all = decodePullResult(response(ResponseCode.SUCCESS, ext, body), []);
    expect(all.status).toBe('FOUND');
    expect(all.nextBeginOffset).toBe(3);
    expect(all.msgs.map((m) => m.body.toString())).toEqual(['A', 'B', 'C']);
    const some = decodePullResult(response(ResponseCode.SUCCESS, ext, body), ['A', 'C']);
    expect(some.msgs.map((m) => m.properties.TAGS)).toEqual(['A', 'C']);
  });

  it('maps the pull codes to their statuses; anything else is an error with its code', () => {
    const cases: [number, string][] = [
      [ResponseCode.PULL_NOT_FOUND, 'NO_NEW_MSG'],
      [ResponseCode.PULL_RETRY_IMMEDIATELY, 'NO_MATCHED_MSG'],
      [ResponseCode.PULL_OFFSET_MOVED, 'OFFSET_ILLEGAL'],
      [ResponseCode.SYSTEM_ERROR, 'ERROR'],
      [ResponseCode.SUBSCRIPTION_NOT_EXIST, 'ERROR'],
    ];
    for (const [code, status] of cases) {
      const r = decodePullResult(response(code, { nextBeginOffset: '9' }), []);
      expect([r.status, r.code, r.nextBeginOffset, r.msgs, r.remark]).toEqual([
        status,
        code,
        9,
        [],
        'why',
      ]);
    }
    expect(decodePullResult(response(ResponseCode.PULL_NOT_FOUND, {}), []).nextBeginOffset).toBe(
      Number.NaN,
    );
  });
});
