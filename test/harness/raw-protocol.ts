// Raw RemotingCommand helpers for integration tests that drive a broker without an SDK: send a
// message (SEND_MESSAGE_V2), pull (PULL_MESSAGE with long polling), heartbeat a consumer group.
// Headers come from the codecs in src/protocol/headers/; sendV2Header and pullHeader fill in the
// fields tests leave alone.

import type { MessageExt } from '../../src/message/message.js';
import { encodeProperties } from '../../src/message/properties-codec.js';
import { decodeRecords } from '../../src/message/record-codec.js';
import { TBW102 } from '../../src/message/system-topics.js';
import {
  decodeOffsetResponseHeader,
  encodeTopicQueueHeader,
} from '../../src/protocol/headers/offsets.js';
import {
  buildPullSysFlag,
  encodePullHeader,
  type PullMessageRequestHeader,
  PullSysFlag,
} from '../../src/protocol/headers/pull.js';
import {
  encodeSendHeader,
  type SendMessageRequestHeader,
} from '../../src/protocol/headers/send.js';
import {
  createRequest,
  type ExtFields,
  type RemotingCommand,
} from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import type { RemotingClient } from '../../src/remoting/remoting-client.js';

export type Ext = Record<string, string | number | boolean>;

/**
 * A send header from producer group PG, born now, with no reconsumeTimes or unitMode unless
 * `more` sets them.
 */
export function sendHeaderOf(
  topic: string,
  queueId: number,
  properties: string,
  more: Partial<SendMessageRequestHeader> = {},
): SendMessageRequestHeader {
  return {
    producerGroup: 'PG',
    topic,
    defaultTopic: TBW102,
    defaultTopicQueueNums: 4,
    queueId,
    sysFlag: 0,
    bornTimestamp: Date.now(),
    flag: 0,
    properties,
    ...more,
  };
}

/** sendHeaderOf as SEND_MESSAGE_V2 extFields. */
export function sendV2Header(
  topic: string,
  queueId: number,
  properties: string,
  more: Partial<SendMessageRequestHeader> = {},
): ExtFields {
  return encodeSendHeader(sendHeaderOf(topic, queueId, properties, more), { v2: true });
}

/** A PULL_MESSAGE header posting subscription '*', without suspending or committing. */
export function pullHeader(
  consumerGroup: string,
  topic: string,
  queueId: number,
  queueOffset: number,
  more: Partial<PullMessageRequestHeader> = {},
): ExtFields {
  return encodePullHeader({
    consumerGroup,
    topic,
    queueId,
    queueOffset,
    maxMsgNums: 32,
    sysFlag: PullSysFlag.SUBSCRIPTION,
    commitOffset: 0,
    suspendTimeoutMillis: 0,
    subscription: '*',
    subVersion: 0,
    ...more,
  });
}

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
    header: Partial<SendMessageRequestHeader> = {},
  ): Promise<RemotingCommand> {
    const properties = encodeProperties({ TAGS: 'T', ...props });
    const more = { reconsumeTimes: 0, unitMode: false, ...header };
    const ext = sendV2Header(topic, queueId, properties, more);
    return this.call(RequestCode.SEND_MESSAGE_V2, ext, Buffer.from(body));
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
    const sysFlag = buildPullSysFlag({
      commitOffset: false,
      suspend: suspendMs > 0,
      subscription: opts.subscription !== undefined,
    });
    const r = await this.call(
      RequestCode.PULL_MESSAGE,
      pullHeader(group, topic, queueId, offset, {
        sysFlag,
        suspendTimeoutMillis: suspendMs,
        subscription: opts.subscription,
      }),
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
    const r = await this.call(
      RequestCode.GET_MAX_OFFSET,
      encodeTopicQueueHeader({ topic, queueId }),
    );
    return r.extFields.offset === undefined ? -1 : decodeOffsetResponseHeader(r.extFields);
  }
}
