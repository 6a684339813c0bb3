// A batch send's body (DefaultMQProducer#batch and MessageBatch#generateFromList): messages of one
// topic, none delayed, encoded one after another (batch-codec.ts) and never compressed; the whole
// body must fit maxMessageSize. The result's msgId is their UNIQ_KEYs, comma-joined.
import { encodeBatch } from '../../message/batch-codec.js';
import { MessageConst } from '../../message/message.js';
import { MQClientError } from '../errors.js';
import type { Message } from '../producer-types.js';

export function encodeMessageBatch(
  msgs: readonly Message[],
  propertiesOf: (m: Message) => Record<string, string>,
  maxMessageSize: number,
): { body: Buffer; msgIds: string } {
  if (msgs.length === 0) throw new MQClientError('sendBatch needs at least one message');
  const topic = msgs[0]!.topic;
  if (msgs.some((m) => m.topic !== topic))
    throw new MQClientError('all messages of a batch must have the same topic');
  if (msgs.some((m) => m.delayTimeLevel))
    throw new MQClientError('batch messages cannot have a delay level');
  const items = msgs.map((m) => ({
    flag: 0,
    body: typeof m.body === 'string' ? Buffer.from(m.body, 'utf8') : m.body,
    properties: propertiesOf(m),
  }));
  const body = encodeBatch(items);
  if (body.length > maxMessageSize) {
    throw new MQClientError(
      `the batch takes ${body.length} bytes, over maxMessageSize ${maxMessageSize}; send it in smaller batches`,
    );
  }
  return { body, msgIds: items.map((i) => i.properties[MessageConst.UNIQ_KEY]!).join(',') };
}
