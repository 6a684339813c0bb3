// TopicList (remoting/protocol/body/TopicList.java): `topicList`, and `brokerAddr` on the system
// topic list (GET_SYSTEM_TOPIC_LIST_FROM_NS 304) and QUERY_TOPICS_BY_CONSUMER (343). fastjson
// writes fields in name order and omits a null brokerAddr; the topic list of
// GET_TOPICS_BY_CLUSTER (224) and GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206) has no brokerAddr.
import { ProtocolError } from '../../common/errors.js';
import { parseObject } from './fastjson.js';

export interface TopicList {
  topicList: string[];
  brokerAddr?: string;
}

export function encodeTopicList(t: TopicList): Buffer {
  const out = t.brokerAddr === undefined ? {} : { brokerAddr: t.brokerAddr };
  return Buffer.from(JSON.stringify({ ...out, topicList: t.topicList }), 'utf8');
}

export function decodeTopicList(body: Buffer | undefined): TopicList {
  const o = parseObject(body, 'TopicList');
  if (!Array.isArray(o.topicList) || o.topicList.some((x) => typeof x !== 'string'))
    throw new ProtocolError('TopicList body has no topicList of strings');
  const topicList = o.topicList as string[];
  return typeof o.brokerAddr === 'string' ? { topicList, brokerAddr: o.brokerAddr } : { topicList };
}
