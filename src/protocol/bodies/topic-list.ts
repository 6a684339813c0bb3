// TopicList (remoting/protocol/body/TopicList.java): `topicList`, and `brokerAddr` on the system
// topic list (GET_SYSTEM_TOPIC_LIST_FROM_NS 304). fastjson writes fields in name order and omits
// a null brokerAddr; the topic list of GET_TOPICS_BY_CLUSTER (224) and 206 has no brokerAddr.
import { ProtocolError } from '../../common/errors.js';

export interface TopicList {
  topicList: string[];
  brokerAddr?: string;
}

export function encodeTopicList(t: TopicList): Buffer {
  const out = t.brokerAddr === undefined ? {} : { brokerAddr: t.brokerAddr };
  return Buffer.from(JSON.stringify({ ...out, topicList: t.topicList }), 'utf8');
}

export function decodeTopicList(body: Buffer): TopicList {
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new ProtocolError(`TopicList body is not JSON: ${(err as Error).message}`);
  }
  const o = v as { topicList?: unknown; brokerAddr?: unknown } | null;
  if (!o || !Array.isArray(o.topicList) || o.topicList.some((x) => typeof x !== 'string'))
    throw new ProtocolError('TopicList body has no topicList of strings');
  const topicList = o.topicList as string[];
  return typeof o.brokerAddr === 'string' ? { topicList, brokerAddr: o.brokerAddr } : { topicList };
}
