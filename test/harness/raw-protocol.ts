// Raw RemotingCommand helpers for integration tests that drive a broker without an SDK: send a
// message (SEND_MESSAGE_V2), pull (PULL_MESSAGE with long polling), heartbeat a consumer group.

import type { MessageExt } from '../../src/message/message.js';
import { encodeProperties } from '../../src/message/properties-codec.js';
import { decodeRecords } from '../../src/message/record-codec.js';
import { createRequest, type RemotingCommand } from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import type { RemotingClient } from '../../src/remoting/remoting-client.js';

export type Ext = Record<string, string | number | boolean>;

export class RawBroker {
  readonly client: RemotingClient;
  readonly addr: () => string;

  /** addr is read on every call, so a handle that restarts on the same port keeps working. */
  constructor(client: RemotingClient, addr: () => string) {
    this.client = client;
    this.addr = addr;
  }

  call(code: number, ext: Ext, body?: Buffer, timeoutMs = 10_000): Promise<RemotingCommand> {
    return this.client.invoke(this.addr(), createRequest(code, 0, ext, body), timeoutMs);
  }

  send(
    topic: string,
    queueId: number,
    body: string,
    props: Record<string, string> = {},
    header: Ext = {},
  ): Promise<RemotingCommand> {
    return this.call(
      RequestCode.SEND_MESSAGE_V2,
      {
        a: 'PG',
        b: topic,
        c: 'TBW102',
        d: 4,
        e: queueId,
        f: 0,
        g: Date.now(),
        h: 0,
        i: encodeProperties({ TAGS: 'T', ...props }),
        j: 0,
        k: false,
        ...header,
      },
      Buffer.from(body),
    );
  }

  /**
   * One PULL_MESSAGE; with suspendMs > 0 the broker parks it until a message arrives. Without
   * `subscription` the broker uses what the group's heartbeat registered.
   */
  async pull(
    topic: string,
    group: string,
    queueId: number,
    offset: number,
    opts: { suspendMs?: number; subscription?: string } = {},
  ): Promise<{ code: number; next: number; msgs: MessageExt[] }> {
    const suspendMs = opts.suspendMs ?? 0;
    const sysFlag = (suspendMs > 0 ? 2 : 0) | (opts.subscription !== undefined ? 4 : 0);
    const r = await this.call(
      RequestCode.PULL_MESSAGE,
      {
        consumerGroup: group,
        topic,
        queueId,
        queueOffset: offset,
        maxMsgNums: 32,
        sysFlag,
        commitOffset: 0,
        suspendTimeoutMillis: suspendMs,
        ...(opts.subscription !== undefined ? { subscription: opts.subscription } : {}),
        subVersion: 0,
      },
      undefined,
      suspendMs + 10_000,
    );
    const next = Number(r.extFields.nextBeginOffset ?? offset);
    return { code: r.code, next, msgs: r.code === 0 && r.body ? decodeRecords(r.body) : [] };
  }

  /** A clustering consumer's heartbeat subscribing topics with '*'. */
  heartbeat(clientID: string, group: string, topics: string[]): Promise<RemotingCommand> {
    const body = {
      clientID,
      producerDataSet: [],
      consumerDataSet: [
        {
          groupName: group,
          consumeType: 'CONSUME_PASSIVELY',
          messageModel: 'CLUSTERING',
          consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
          unitMode: false,
          subscriptionDataSet: topics.map((topic) => ({
            topic,
            subString: '*',
            tagsSet: [],
            codeSet: [],
            subVersion: 1,
            classFilterMode: false,
          })),
        },
      ],
    };
    return this.call(RequestCode.HEART_BEAT, {}, Buffer.from(JSON.stringify(body)));
  }

  async maxOffset(topic: string, queueId: number): Promise<number> {
    const r = await this.call(RequestCode.GET_MAX_OFFSET, { topic, queueId });
    return Number(r.extFields.offset ?? -1);
  }
}
