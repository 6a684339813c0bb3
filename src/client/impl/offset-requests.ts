// Broker→client requests about a group's offsets (ClientRemotingProcessor):
//   220 RESET_CONSUMER_CLIENT_OFFSET  header topic, group, timestamp, isForce; body ResetOffsetBody
//       (MessageQueue → offset). Sent one-way by a 4.x broker (Broker2Client#resetOffset); the
//       push consumer of that group starts those of its queues over at the new offsets
//       (offset-reset.ts). Java answers nothing; a request that expects an answer gets SUCCESS.
//   221 GET_CONSUMER_STATUS_FROM_CLIENT  header topic, group, clientAddr → GetConsumerStatusBody
//       with the consumer's offset of every queue of the topic it holds (getConsumerStatus); an
//       empty table when no consumer of that group runs here, as Java's.
import type { Logger } from '../../common/logger.js';
import {
  decodeOffsetTable,
  encodeConsumerStatusBody,
  type QueueOffset,
} from '../../protocol/bodies/offset-table.js';
import { createResponse, isOneway, type RemotingCommand } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';

/** A consumer that can follow a reset and tell its offsets (the push consumer). */
export interface OffsetResetTarget {
  readonly group: string;
  /** Starts the held queues of `topic` named in `table` over at their offsets. */
  resetOffset(topic: string, table: readonly QueueOffset[]): Promise<void>;
  consumeOffsets(topic: string): QueueOffset[];
}

/** The answer to a 220 or 221, or undefined when none is due (a one-way 220). */
export async function answerOffsetRequest(
  cmd: RemotingCommand,
  targets: readonly OffsetResetTarget[],
  log: Logger,
): Promise<RemotingCommand | undefined> {
  const topic = cmd.extFields.topic ?? '';
  const group = cmd.extFields.group ?? '';
  const target = targets.find((t) => t.group === group);
  if (cmd.code === RequestCode.GET_CONSUMER_STATUS_FROM_CLIENT) {
    const body = encodeConsumerStatusBody(target?.consumeOffsets(topic) ?? []);
    return createResponse(cmd, ResponseCode.SUCCESS, undefined, {}, body);
  }
  let table: QueueOffset[] = [];
  try {
    if (cmd.body) table = decodeOffsetTable(cmd.body);
  } catch (err) {
    log.warn({ err, topic, group }, 'resetOffset: the body does not decode; nothing reset');
    return isOneway(cmd)
      ? undefined
      : createResponse(cmd, ResponseCode.SYSTEM_ERROR, (err as Error).message);
  }
  if (!target) log.info({ topic, group }, 'resetOffset: no consumer of that group here');
  else await target.resetOffset(topic, table);
  return isOneway(cmd) ? undefined : createResponse(cmd, ResponseCode.SUCCESS);
}
