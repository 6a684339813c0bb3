// INVOKE_BROKER_TO_RESET_OFFSET (222), RocketMQ 5's server-side reset (useServerSideResetOffset,
// spec part 2 §10.8): for each queue of the topic the target offset (explicit, by timestamp, or
// the max offset when timestamp < 0) becomes the group's committed offset and a pending reset.
// No request goes to the clients: each queue's next pull is answered PULL_OFFSET_MOVED to it
// (pull-message.ts), which every client, ali-ons included, already follows. With
// useServerSideResetOffset=false the clients are told instead (reset-offset-clients.ts).

import { encodeOffsetTable, type QueueOffset } from '../../protocol/bodies/offset-table.js';
import { optBool, optInt, optLong, reqLong, reqString } from '../../protocol/headers/fields.js';
import {
  createResponse,
  type ExtFields,
  type RemotingCommand,
} from '../../protocol/remoting-command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { BrokerContext } from '../broker-context.js';
import { resetOffsetThroughClients } from './reset-offset-clients.js';

export class ResetOffsetProcessor {
  private readonly ctx: BrokerContext;

  constructor(ctx: BrokerContext) {
    this.ctx = ctx;
  }

  readonly invokeBrokerToResetOffset = async (req: RemotingCommand): Promise<RemotingCommand> => {
    const { topic, group, timestamp, onlyQueue, explicit } = parseResetOffsetHeader(req.extFields);
    const { store, topics, groups, offsets, config } = this.ctx;
    const tc = topics.get(topic);
    if (!tc) {
      return createResponse(req, ResponseCode.TOPIC_NOT_EXIST, `topic[${topic}] not exist`);
    }
    if (!groups.find(group)) {
      return createResponse(
        req,
        ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
        `subscription group [${group}] does not exist`,
      );
    }
    const queueIds =
      onlyQueue >= 0 ? [onlyQueue] : Array.from({ length: tc.writeQueueNums }, (_, q) => q);
    const targets: QueueOffset[] = [];
    for (const queueId of queueIds) {
      const min = store.getMinOffsetInQueue(topic, queueId);
      const max = store.getMaxOffsetInQueue(topic, queueId);
      let target: number;
      if (explicit !== undefined) {
        if (explicit < min || explicit > max) {
          return createResponse(
            req,
            ResponseCode.SYSTEM_ERROR,
            `Target offset ${explicit} not in consume queue range [${min}, ${max}] of ${topic}-${queueId}`,
          );
        }
        target = explicit;
      } else {
        target = timestamp < 0 ? max : store.getOffsetInQueueByTime(topic, queueId, timestamp);
      }
      targets.push({ mq: { topic, brokerName: config.brokerName, queueId }, offset: target });
    }
    if (!config.useServerSideResetOffset) {
      const isForce = optBool(req.extFields, 'isForce', true);
      return resetOffsetThroughClients(this.ctx, req, {
        topic,
        group,
        timestamp,
        isForce,
        targets,
      });
    }
    for (const t of targets) offsets.resetOffset(group, topic, t.mq.queueId, t.offset);
    await offsets.persist(); // the answer says the reset is stored
    // Pulls parked by long polling would learn of the reset only when they time out.
    for (const t of targets) this.ctx.pullHold.wakeGroup(topic, t.mq.queueId, group);
    this.ctx.log.info(
      { group, topic, timestamp, queues: targets.map((t) => [t.mq.queueId, t.offset]) },
      'consumer offsets reset',
    );
    return createResponse(req, ResponseCode.SUCCESS, undefined, {}, encodeOffsetTable(targets));
  };
}

/** ResetOffsetRequestHeader: queueId -1 means every queue; offset (5.x) overrides timestamp. */
export function parseResetOffsetHeader(e: ExtFields): {
  topic: string;
  group: string;
  timestamp: number;
  onlyQueue: number;
  explicit: number | undefined;
} {
  return {
    topic: reqString(e, 'topic'),
    group: reqString(e, 'group'),
    timestamp: reqLong(e, 'timestamp'),
    onlyQueue: optInt(e, 'queueId', -1),
    explicit: optLong(e, 'offset'),
  };
}
