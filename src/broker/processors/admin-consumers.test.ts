// GET_CONSUMER_RUNNING_INFO 307 and CONSUME_MESSAGE_DIRECTLY 309 against an in-process broker: the
// request goes to the connection the client's heartbeat came on, with the admin's extFields (309:
// plus the broker's name and the stored message as body), and the client's answer comes back under
// the admin's opaque; a client that never answers gets CONSUME_MSG_TIMEOUT once the bounded wait
// is over, naming the client; an unknown client is "not online".
import { describe, expect, it } from 'vitest';
import { BROKER2CLIENT_CALL_TIMEOUT_MS } from '../../common/limits.js';
import { decodeRecord } from '../../message/record-codec.js';
import { createResponse, type RemotingCommand } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { RemotingTimeoutError } from '../../remoting/errors.js';
import {
  brokerPerTest,
  type InMemoryConnection,
  sendFields,
} from '../in-process-broker.fixture.js';
import { AdminConsumersProcessor } from './admin-consumers.js';

const h = brokerPerTest();

async function joinGroup(clientID: string): Promise<InMemoryConnection> {
  const conn = h.connect();
  const body = {
    clientID,
    producerDataSet: [],
    consumerDataSet: [
      {
        groupName: 'CG',
        consumeType: 'CONSUME_PASSIVELY',
        messageModel: 'CLUSTERING',
        consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
        subscriptionDataSet: [{ topic: 'Orders', subString: '*', subVersion: 1 }],
      },
    ],
  };
  const res = await h.request(RequestCode.HEART_BEAT, {}, Buffer.from(JSON.stringify(body)), conn);
  expect(res.code).toBe(ResponseCode.SUCCESS);
  return conn;
}

/** A client that answers every broker request with `answer`, recording what it was asked. */
function answering(conn: InMemoryConnection, answer: (req: RemotingCommand) => RemotingCommand) {
  const asked: { cmd: RemotingCommand; timeoutMs: number }[] = [];
  conn.invoke = ((cmd: RemotingCommand, timeoutMs: number) => {
    asked.push({ cmd, timeoutMs });
    return Promise.resolve({ ...answer(cmd), opaque: 4242 });
  }) as InMemoryConnection['invoke'];
  return asked;
}

/** A client that never answers: the connection's own deadline ends the call, as Connection's does. */
function silent(conn: InMemoryConnection) {
  conn.invoke = ((cmd: RemotingCommand, timeoutMs: number) =>
    new Promise((_, reject) =>
      setTimeout(
        () => reject(new RemotingTimeoutError(conn.remoteAddress, String(cmd.code), timeoutMs)),
        timeoutMs,
      ),
    )) as InMemoryConnection['invoke'];
}

describe('GET_CONSUMER_RUNNING_INFO 307', () => {
  it("forwards to the client's connection and relays its answer under the admin's opaque", async () => {
    const conn = await joinGroup('client-1');
    const asked = answering(conn, (req) =>
      createResponse(req, ResponseCode.SUCCESS, undefined, {}, Buffer.from('{"jstack":""}')),
    );
    const res = await h.request(RequestCode.GET_CONSUMER_RUNNING_INFO, {
      consumerGroup: 'CG',
      clientId: 'client-1',
      jstackEnable: false,
    });
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(res.body?.toString()).toBe('{"jstack":""}');
    expect(res.opaque).not.toBe(4242);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.cmd.code).toBe(RequestCode.GET_CONSUMER_RUNNING_INFO);
    expect(asked[0]!.cmd.extFields).toMatchObject({ consumerGroup: 'CG', clientId: 'client-1' });
    expect(asked[0]!.timeoutMs).toBe(BROKER2CLIENT_CALL_TIMEOUT_MS);
  });

  it('answers SYSTEM_ERROR "not online" for a client the group does not have', async () => {
    await joinGroup('client-1');
    const res = await h.request(RequestCode.GET_CONSUMER_RUNNING_INFO, {
      consumerGroup: 'CG',
      clientId: 'nobody',
    });
    expect(res.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(res.remark).toBe('The Consumer <CG> <nobody> not online');
  });

  it('answers CONSUME_MSG_TIMEOUT, naming the client, when it never answers', async () => {
    silent(await joinGroup('ali-ons-like'));
    const processor = new AdminConsumersProcessor(h.ctx, 50);
    const req = {
      code: RequestCode.GET_CONSUMER_RUNNING_INFO,
      opaque: 7,
      extFields: { consumerGroup: 'CG', clientId: 'ali-ons-like' },
    } as unknown as RemotingCommand;
    const res = await processor.getConsumerRunningInfo(req);
    expect(res.code).toBe(ResponseCode.CONSUME_MSG_TIMEOUT);
    expect(res.opaque).toBe(7);
    expect(res.remark).toContain('<CG> <ali-ons-like>');
    expect(res.remark).toContain('the client does not answer broker requests');
  });
});

describe('CONSUME_MESSAGE_DIRECTLY 309', () => {
  it('attaches the stored message and the broker name, and relays the result', async () => {
    h.createTopic('Orders');
    const sent = await h.request(
      RequestCode.SEND_MESSAGE_V2,
      sendFields('Orders', {}),
      Buffer.from('hello'),
    );
    const msgId = sent.extFields.msgId!;
    const conn = await joinGroup('client-1');
    const asked = answering(conn, (req) =>
      createResponse(req, ResponseCode.SUCCESS, undefined, {}, Buffer.from('{"order":false}')),
    );
    const res = await h.request(RequestCode.CONSUME_MESSAGE_DIRECTLY, {
      consumerGroup: 'CG',
      clientId: 'client-1',
      msgId,
    });
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(res.body?.toString()).toBe('{"order":false}');
    const fwd = asked[0]!.cmd;
    expect(fwd.extFields).toMatchObject({ msgId, brokerName: h.ctx.config.brokerName });
    expect(decodeRecord(fwd.body!, 0).body.toString()).toBe('hello');
  });

  it('answers SYSTEM_ERROR for an id that is not an offset msgId or not in the store', async () => {
    await joinGroup('client-1');
    const ask = (msgId: string) =>
      h.request(RequestCode.CONSUME_MESSAGE_DIRECTLY, {
        consumerGroup: 'CG',
        clientId: 'client-1',
        msgId,
      });
    const bad = await ask('not-an-id');
    expect(bad.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(bad.remark).toContain('is not an offset message id');
    const missing = await ask('7F00000100002A9F00000000000FFFFF');
    expect(missing.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(missing.remark).toContain('can not find message by the offset');
  });
});
