// What a producer refuses before anything goes on the wire (Validators#checkMessage, #checkTopic,
// TopicValidator): a blank, over-long or ill-formed topic, a system topic, an empty body, a body
// over maxMessageSize. Refusals carry MESSAGE_ILLEGAL where Java's do.

import { TOPIC_MAX_LENGTH } from '../../common/limits.js';
import { NOT_ALLOWED_SEND_TOPICS } from '../../message/system-topics.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { MQClientError } from '../errors.js';

const LEGAL = /^[%|a-zA-Z0-9_-]+$/;
/** TopicValidator's NOT_ALLOWED_SEND_TOPIC_SET: written by the broker only. */
const NOT_ALLOWED_SEND = NOT_ALLOWED_SEND_TOPICS;

export function checkTopic(topic: string): void {
  if (!topic || topic.trim() === '') throw new MQClientError('the specified topic is blank');
  if (topic.length > TOPIC_MAX_LENGTH) {
    throw new MQClientError(
      `the topic '${topic.slice(0, 20)}…' has ${topic.length} characters, over ${TOPIC_MAX_LENGTH}`,
    );
  }
  if (!LEGAL.test(topic)) {
    throw new MQClientError(
      `the topic '${topic}' has illegal characters; allowed are ^[%|a-zA-Z0-9_-]+$`,
    );
  }
}

/** Checks a message before it is sent; `bodyBytes` is the uncompressed body size. */
export function checkMessage(topic: string, bodyBytes: number, maxMessageSize: number): void {
  checkTopic(topic);
  const illegal = { responseCode: ResponseCode.MESSAGE_ILLEGAL };
  if (NOT_ALLOWED_SEND.has(topic)) {
    throw new MQClientError(`sending to the system topic ${topic} is not allowed`, illegal);
  }
  if (bodyBytes === 0) throw new MQClientError('the message body is empty', illegal);
  if (bodyBytes > maxMessageSize) {
    throw new MQClientError(
      `the message body is ${bodyBytes} bytes, over maxMessageSize ${maxMessageSize}; ` +
        'send a smaller body or raise maxMessageSize on the producer and the broker',
      illegal,
    );
  }
}
