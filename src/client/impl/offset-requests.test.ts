// RESET_CONSUMER_CLIENT_OFFSET 220 and GET_CONSUMER_STATUS_FROM_CLIENT 221 reaching a client
// instance over a real socket, sent by a scripted broker on the connection the client's heartbeat
// came on: a 220 goes to the consumer of its group with the decoded table (one-way: no answer;
// otherwise SUCCESS), other groups and undecodable bodies reset nothing, a 221 is answered with
// GetConsumerStatusBody of that group's offsets (empty for a group not here).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pollUntil } from '../../../test/harness/poll.js';
import { silentLogger } from '../../common/logger.js';
import {
  decodeConsumerStatusBody,
  encodeOffsetTable,
  type QueueOffset,
} from '../../protocol/bodies/offset-table.js';
import { createRequest } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Connection } from '../../remoting/connection.js';
import { ClientInstance } from './client-instance.js';
import {
  BROKER_NAME,
  type ScriptedBroker,
  startScriptedBroker,
} from './scripted-broker.fixture.js';

let peer: ScriptedBroker;
let client: ClientInstance;
let resets: { topic: string; table: readonly QueueOffset[] }[];

const mq = (queueId: number) => ({ topic: 'T', brokerName: BROKER_NAME, queueId });
const table = [
  { mq: mq(0), offset: 3 },
  { mq: mq(1), offset: 0 },
];

beforeEach(async () => {
  peer = await startScriptedBroker();
  client = new ClientInstance(peer.addr, silentLogger());
  resets = [];
  client.register({
    producerGroups: () => [],
    consumerData: () => [{ groupName: 'G' }],
    offsetReset: {
      group: 'G',
      resetOffset: async (topic, t) => void resets.push({ topic, table: t }),
      consumeOffsets: (topic) => (topic === 'T' ? [{ mq: mq(0), offset: 7 }] : []),
    },
  });
  await client.updateRoute('T');
});

afterEach(async () => {
  client.shutdown();
  await peer.close();
});

/** The broker's side of the client's connection (the one its heartbeat came on). */
async function brokerSide(): Promise<Connection> {
  await client.sendHeartbeatToAllBrokers();
  return peer.of(RequestCode.HEART_BEAT)[0]!.conn;
}

const resetRequest = (group: string, body: Buffer, oneway = true) =>
  createRequest(
    RequestCode.RESET_CONSUMER_CLIENT_OFFSET,
    0,
    { topic: 'T', group, timestamp: 0, isForce: true },
    body,
    oneway,
  );

describe('broker requests about offsets', () => {
  it('hands a one-way 220 to the consumer of its group, and nothing else', async () => {
    const conn = await brokerSide();
    peer.push(conn, resetRequest('Other', encodeOffsetTable(table)));
    peer.push(conn, resetRequest('G', Buffer.from('{"offsetTable":{nope')));
    peer.push(conn, resetRequest('G', encodeOffsetTable(table)));
    const got = await pollUntil(
      () => resets,
      (r) => r.length > 0,
      20_000,
    );
    expect(got).toEqual([{ topic: 'T', table }]);
  });

  it('answers a 220 that expects an answer, and a 221 with the offsets of the group', async () => {
    const conn = await brokerSide();
    const reset = await conn.invoke(resetRequest('G', encodeOffsetTable(table), false), 10_000);
    expect(reset.code).toBe(ResponseCode.SUCCESS);
    expect(resets).toHaveLength(1);
    const status = (group: string) =>
      conn.invoke(
        createRequest(RequestCode.GET_CONSUMER_STATUS_FROM_CLIENT, 0, { topic: 'T', group }),
        10_000,
      );
    const mine = await status('G');
    expect(mine.code).toBe(ResponseCode.SUCCESS);
    expect(decodeConsumerStatusBody(mine.body!)).toEqual([{ mq: mq(0), offset: 7 }]);
    expect(decodeConsumerStatusBody((await status('Other')).body!)).toEqual([]);
  });
});
