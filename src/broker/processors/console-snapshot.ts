// KITEMQ_GET_BROKER_CONSOLE_SNAPSHOT (10303, KiteMQ's own): what a console needs of a broker every
// refresh that RocketMQ can only answer one group or one queue at a time: each consumer group's
// live connections and each topic's intake. Header: none. Body: BrokerConsoleSnapshot
// (protocol/bodies/console-snapshot.ts). The groups are the subscription groups plus any group
// with a connection (its subscription group may have been deleted while its consumers run); a
// topic's figure is the sum of its queues' max offsets.
// Everything is read from memory (the consume queues' max offsets, the consumer table), never from
// disk, so 1,000 topics of 8 queues cost 8,000 map lookups; for the same reason no store
// timestamp is given (that is a commit-log read per queue).
import {
  type ConsoleGroupRow,
  type ConsoleTopicRow,
  encodeBrokerConsoleSnapshot,
} from '../../protocol/bodies/console-snapshot.js';
import { createResponse, type RemotingCommand } from '../../protocol/remoting-command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { BrokerContext } from '../broker-context.js';

export class ConsoleSnapshotProcessor {
  private readonly ctx: BrokerContext;

  constructor(ctx: BrokerContext) {
    this.ctx = ctx;
  }

  readonly getBrokerConsoleSnapshot = (req: RemotingCommand): RemotingCommand => {
    const body = encodeBrokerConsoleSnapshot({
      brokerAddr: this.ctx.storeHost,
      brokerName: this.ctx.config.brokerName,
      groupTable: Object.fromEntries(this.groupRows()),
      topicTable: Object.fromEntries(this.topicRows()),
    });
    return createResponse(req, ResponseCode.SUCCESS, undefined, {}, body);
  };

  private groupRows(): Map<string, ConsoleGroupRow> {
    const { groups, consumers } = this.ctx;
    const rows = new Map<string, ConsoleGroupRow>();
    for (const { groupName } of groups.all()) rows.set(groupName, { onlineClients: 0 });
    for (const name of consumers.groupNames()) {
      const g = consumers.get(name);
      let live = 0;
      for (const conn of g?.channels.keys() ?? []) if (!conn.isClosed) live++;
      rows.set(
        name,
        g && live > 0
          ? { onlineClients: live, consumeType: g.consumeType, messageModel: g.messageModel }
          : { onlineClients: live },
      );
    }
    return rows;
  }

  private topicRows(): Map<string, ConsoleTopicRow> {
    const { topics, store } = this.ctx;
    const rows = new Map<string, ConsoleTopicRow>();
    for (const tc of topics.all()) {
      // A queue beyond the write count may still hold messages written before a shrink.
      const queueNums = Math.max(tc.readQueueNums, tc.writeQueueNums);
      let maxOffset = 0;
      for (let q = 0; q < queueNums; q++)
        maxOffset += Math.max(0, store.getMaxOffsetInQueue(tc.topicName, q));
      rows.set(tc.topicName, { maxOffset, queueNums });
    }
    return rows;
  }
}
