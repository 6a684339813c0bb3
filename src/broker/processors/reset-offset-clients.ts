// INVOKE_BROKER_TO_RESET_OFFSET (222) with useServerSideResetOffset=false, RocketMQ 4's way
// (Broker2Client#resetOffset): the broker commits nothing itself; it tells every online
// consumer of the group (the connections its heartbeats came on) with a one-way
// RESET_CONSUMER_CLIENT_OFFSET (220, header topic, group, timestamp, isForce; body ResetOffsetBody
// of the topic's queues on this broker), and each consumer starts the queues it holds over there
// and commits them. Without isForce a queue only moves back: one whose target lies past the
// group's committed offset keeps that offset. Answers: SUCCESS with the table sent;
// CONSUMER_NOT_ONLINE when no consumer of the group is connected (nobody would act on it);
// SYSTEM_ERROR when the group has no committed offset of a queue (Java: "not exist").
import { encodeOffsetTable, type QueueOffset } from '../../protocol/bodies/offset-table.js';
import {
  createRequest,
  createResponse,
  type RemotingCommand,
} from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { BrokerContext } from '../broker-context.js';

export interface ClientResetRequest {
  topic: string;
  group: string;
  timestamp: number;
  isForce: boolean;
  /** Each queue's target, as the server-side reset would set it. */
  targets: QueueOffset[];
}

export function resetOffsetThroughClients(
  ctx: BrokerContext,
  req: RemotingCommand,
  r: ClientResetRequest,
): RemotingCommand {
  const table: QueueOffset[] = [];
  for (const t of r.targets) {
    const committed = ctx.offsets.queryOffset(r.group, r.topic, t.mq.queueId);
    if (committed < 0) {
      return createResponse(
        req,
        ResponseCode.SYSTEM_ERROR,
        `consumer group <${r.group}> has no committed offset of ${r.topic}-${t.mq.queueId} ` +
          'here; let it consume first, or reset on a broker with useServerSideResetOffset=true',
      );
    }
    table.push(r.isForce || t.offset < committed ? t : { mq: t.mq, offset: committed });
  }
  const conns = [...(ctx.consumers.get(r.group)?.channels.keys() ?? [])].filter((c) => !c.isClosed);
  if (conns.length === 0) {
    return createResponse(
      req,
      ResponseCode.CONSUMER_NOT_ONLINE,
      `Consumer not online, so can not reset offset, Group: ${r.group} Topic: ${r.topic} ` +
        `Timestamp: ${r.timestamp}; start a consumer of the group first`,
    );
  }
  const body = encodeOffsetTable(table);
  const fields = { topic: r.topic, group: r.group, timestamp: r.timestamp, isForce: r.isForce };
  for (const conn of conns) {
    conn.invokeOneway(
      createRequest(RequestCode.RESET_CONSUMER_CLIENT_OFFSET, 0, fields, body, true),
    );
  }
  ctx.log.info(
    { group: r.group, topic: r.topic, clients: conns.length, queues: table.length },
    'offset reset sent to the consumers',
  );
  return createResponse(req, ResponseCode.SUCCESS, undefined, {}, body);
}
