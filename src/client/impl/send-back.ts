// Giving a failed message back to the broker (ConsumeMessageConcurrentlyService#sendMessageBack):
// CONSUMER_SEND_MSG_BACK first; if the broker will not take it that way, a copy goes to
// %RETRY%<group> as a new message (sendMessageBackAsNormalMessage).

import type { Logger } from '../../common/logger.js';
import { MessageConst, type MessageExt } from '../../message/message.js';
import { encodeProperties } from '../../message/properties-codec.js';
import { TBW102 } from '../../message/system-topics.js';
import { createRequest } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { BrokerInvoker } from './consumer-parts.js';
import { wrapNamespace } from './namespace.js';

export interface SendBackContext {
  client: BrokerInvoker;
  log: Logger;
  group: string;
  retryTopic: string;
  maxReconsumeTimes: number;
  /** The application sees plain topics; the broker wants them with the namespace. */
  namespace?: string;
}

/**
 * CONSUMER_SEND_MSG_BACK (delay level 0: the broker picks 3 + reconsumeTimes; -1: straight to
 * %DLQ%<group>); if that fails,
 * the copy is sent to %RETRY%<group> as a new message (sendMessageBackAsNormalMessage).
 * True when the broker has the message back.
 */
export async function sendMessageBack(
  ctx: SendBackContext,
  brokerName: string,
  m: MessageExt,
  delayLevel: number,
): Promise<boolean> {
  const originMsgId = m.properties[MessageConst.UNIQ_KEY] ?? m.offsetMsgId;
  const originTopic = wrapNamespace(ctx.namespace, m.topic);
  try {
    const res = await ctx.client.invokeBroker(
      brokerName,
      createRequest(RequestCode.CONSUMER_SEND_MSG_BACK, 0, {
        offset: m.commitLogOffset,
        group: ctx.group,
        delayLevel,
        originMsgId,
        originTopic,
        unitMode: false,
        maxReconsumeTimes: ctx.maxReconsumeTimes,
      }),
    );
    if (res.code === ResponseCode.SUCCESS) return true;
    ctx.log.warn({ code: res.code, remark: res.remark }, 'send-back refused; sending a copy');
  } catch (err) {
    ctx.log.warn({ err }, 'send-back failed; sending a copy');
  }
  const props: Record<string, string> = { ...m.properties };
  props[MessageConst.RETRY_TOPIC] ??= originTopic;
  props[MessageConst.ORIGIN_MESSAGE_ID] ??= originMsgId;
  props[MessageConst.DELAY] = String(3 + m.reconsumeTimes);
  try {
    const res = await ctx.client.invokeBroker(
      brokerName,
      createRequest(
        RequestCode.SEND_MESSAGE_V2,
        0,
        {
          a: ctx.group,
          b: ctx.retryTopic,
          c: TBW102,
          d: 1,
          e: 0,
          f: m.sysFlag & 0x701, // a body still compressed stays so, with its codec bits
          g: m.bornTimestamp,
          h: m.flag,
          i: encodeProperties(props),
          j: m.reconsumeTimes + 1,
          k: false,
          l: ctx.maxReconsumeTimes,
        },
        m.body,
      ),
    );
    return res.code === ResponseCode.SUCCESS;
  } catch (err) {
    ctx.log.warn({ err }, 'sending the copy to the retry topic failed');
    return false;
  }
}
