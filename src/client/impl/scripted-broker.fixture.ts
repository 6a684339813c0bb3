// A scripted peer for client tests: one real RemotingServer on loopback that plays both the name
// server (GET_ROUTEINFO_BY_TOPIC: every topic lives on one broker, "broker-a", at this server's own
// address) and that broker. It records every request it gets, answers a send the way a broker
// answers a half message (offset msgId of `commitLogOffset`, queueOffset `queueOffset`,
// transactionId = the UNIQ_KEY) or with the code a test scripts, and answers HEART_BEAT and
// UNREGISTER_CLIENT with SUCCESS. Requests the broker starts (CHECK_TRANSACTION_STATE) go out
// on the client's own connection with push().
import { silentLogger } from '../../common/logger.js';
import { createOffsetMsgId } from '../../message/message-id.js';
import { decodeProperties } from '../../message/properties-codec.js';
import { encodeTopicRouteData } from '../../protocol/bodies/route-data.js';
import { decodeSendHeader, encodeSendResponseHeader } from '../../protocol/headers/send.js';
import {
  createResponse,
  createResponseWithFields,
  type RemotingCommand,
} from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Connection } from '../../remoting/connection.js';
import { RemotingServer } from '../../remoting/remoting-server.js';

export const BROKER_NAME = 'broker-a';

export interface ScriptedBroker {
  addr: string;
  /** Every request received, in order, with the connection it came on. */
  received: { cmd: RemotingCommand; conn: Connection }[];
  /** The response code of the next sends (SUCCESS unless set). */
  sendCode: number;
  queueOffset: number;
  commitLogOffset: number;
  /** Sends a request to a client on the connection `conn` (as the broker sends a check). */
  push(conn: Connection, cmd: RemotingCommand): void;
  of(code: number): { cmd: RemotingCommand; conn: Connection }[];
  close(): Promise<void>;
}

export async function startScriptedBroker(): Promise<ScriptedBroker> {
  const server = new RemotingServer(silentLogger());
  const port = await server.listen(0, '127.0.0.1');
  const addr = `127.0.0.1:${port}`;
  const peer: ScriptedBroker = {
    addr,
    received: [],
    sendCode: ResponseCode.SUCCESS,
    queueOffset: 7,
    commitLogOffset: 123_456,
    push: (conn, cmd) => conn.invokeOneway(cmd),
    of: (code) => peer.received.filter((r) => r.cmd.code === code),
    close: () => server.close(),
  };
  const record = (cmd: RemotingCommand, conn: Connection) => peer.received.push({ cmd, conn });
  server.registerProcessor(RequestCode.GET_ROUTEINFO_BY_TOPIC, (req) => {
    const route = {
      brokerDatas: [{ brokerAddrs: { '0': addr }, brokerName: BROKER_NAME, cluster: 'c' }],
      filterServerTable: {},
      queueDatas: [
        { brokerName: BROKER_NAME, perm: 6, readQueueNums: 1, writeQueueNums: 1, topicSysFlag: 0 },
      ],
    };
    return {
      ...createResponse(req, ResponseCode.SUCCESS),
      body: encodeTopicRouteData(route, true),
    };
  });
  server.registerProcessor(RequestCode.SEND_MESSAGE_V2, (req, conn) => {
    record(req, conn);
    const h = decodeSendHeader(req.code, req.extFields);
    const uniq = decodeProperties(h.properties).UNIQ_KEY;
    if (
      peer.sendCode !== ResponseCode.SUCCESS &&
      peer.sendCode !== ResponseCode.FLUSH_DISK_TIMEOUT
    ) {
      return createResponse(req, peer.sendCode, 'scripted refusal');
    }
    const fields = encodeSendResponseHeader({
      msgId: createOffsetMsgId(addr, peer.commitLogOffset),
      queueId: h.queueId,
      queueOffset: peer.queueOffset,
      transactionId: uniq,
      MSG_REGION: 'DefaultRegion',
      TRACE_ON: true,
    });
    return createResponseWithFields(req, peer.sendCode, undefined, fields);
  });
  const ok = (req: RemotingCommand, conn: Connection) => {
    record(req, conn);
    return createResponse(req, ResponseCode.SUCCESS);
  };
  server.registerProcessor([RequestCode.HEART_BEAT, RequestCode.UNREGISTER_CLIENT], ok);
  server.registerProcessor(RequestCode.END_TRANSACTION, (req, conn) => {
    record(req, conn);
    return null; // one-way
  });
  return peer;
}

/** The producer groups of a HEART_BEAT body. */
export function heartbeatGroups(cmd: RemotingCommand): string[] {
  const body = JSON.parse(cmd.body?.toString('utf8') ?? '{}') as {
    producerDataSet?: { groupName: string }[];
  };
  return (body.producerDataSet ?? []).map((p) => p.groupName);
}
