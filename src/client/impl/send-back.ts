// Giving a failed message back to the broker (ConsumeMessageConcurrentlyService#sendMessageBack):
// CONSUMER_SEND_MSG_BACK first; if the broker will not take it that way, a copy goes to
// %RETRY%<group> as a new message (sendMessageBackAsNormalMessage). Both headers come from the
// codecs in protocol/headers/ (consumer-send-msg-back.ts, send.ts).

import type { Logger } from '../../common/logger.js';
import { MessageConst, type MessageExt } from '../../message/message.js';
import { encodeProperties } from '../../message/properties-codec.js';
import { TBW102 } from '../../message/system-topics.js';
import { encodeSendMsgBackHeader } from '../../protocol/headers/consumer-send-msg-back.js';
import { encodeSendHeader } from '../../protocol/headers/send.js';
import { createRequestWithFields } from '../../protocol/remoting-command.js';
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
      createRequestWithFields(
        RequestCode.CONSUMER_SEND_MSG_BACK,
        encodeSendMsgBackHeader({
          offset: m.commitLogOffset,
          group: ctx.group,
          delayLevel,
          originMsgId,
          originTopic,
          unitMode: false,
          maxReconsumeTimes: ctx.maxReconsumeTimes,
        }),
      ),
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
      createRequestWithFields(
        RequestCode.SEND_MESSAGE_V2,
        encodeSendHeader(
          {
            producerGroup: ctx.group,
            topic: ctx.retryTopic,
            defaultTopic: TBW102,
            defaultTopicQueueNums: 1,
            queueId: 0,
            sysFlag: m.sysFlag & 0x701, // a body still compressed stays so, with its codec bits
            bornTimestamp: m.bornTimestamp,
            flag: m.flag,
            properties: encodeProperties(props),
            reconsumeTimes: m.reconsumeTimes + 1,
            unitMode: false,
            maxReconsumeTimes: ctx.maxReconsumeTimes,
          },
          { v2: true },
        ),
        m.body,
      ),
    );
    return res.code === ResponseCode.SUCCESS;
  } catch (err) {
    ctx.log.warn({ err }, 'sending the copy to the retry topic failed');
    return false;
  }
}
