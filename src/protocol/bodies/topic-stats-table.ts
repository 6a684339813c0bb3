// TopicStatsTable, GET_TOPIC_STATS_INFO's body (AdminBrokerProcessor#getTopicStatsInfo):
// {"offsetTable":{MessageQueue:TopicOffset},"topicPutTps":d}, the MessageQueue object in key
// position as fastjson writes it (not JSON). TopicOffset is {"lastUpdateTimestamp","maxOffset",
// "minOffset"} (fastjson's name order). The broker side assembles the same text in
// broker/processors/admin-stats.ts.
import { ProtocolError } from '../../common/errors.js';
import { type MessageQueueKey, messageQueueKeyJson, objectEnd } from './offset-table.js';

export interface TopicOffset {
  minOffset: number;
  maxOffset: number;
  /** Store time of the newest message of the queue; 0 when it has none. */
  lastUpdateTimestamp: number;
}

export interface TopicStatsTable {
  offsetTable: { mq: MessageQueueKey; offset: TopicOffset }[];
  topicPutTps: number;
}

const javaDouble = (n: number) => (Number.isInteger(n) ? n.toFixed(1) : String(n));

export function encodeTopicStatsTable(t: TopicStatsTable): Buffer {
  const entries = t.offsetTable.map(
    ({ mq, offset: o }) =>
      `${messageQueueKeyJson(mq)}:{"lastUpdateTimestamp":${o.lastUpdateTimestamp},` +
      `"maxOffset":${o.maxOffset},"minOffset":${o.minOffset}}`,
  );
  const body = `{"offsetTable":{${entries.join(',')}},"topicPutTps":${javaDouble(t.topicPutTps)}}`;
  return Buffer.from(body, 'utf8');
}

export function decodeTopicStatsTable(body: Buffer | undefined): TopicStatsTable {
  const s = body?.toString('utf8') ?? '';
  const start = s.indexOf('"offsetTable"');
  if (start < 0) throw new ProtocolError('TopicStatsTable body has no offsetTable');
  let i = s.indexOf('{', start);
  if (i < 0) throw new ProtocolError('TopicStatsTable offsetTable is not an object');
  const tableEnd = objectEnd(s, i, 'TopicStatsTable');
  i++;
  const offsetTable: TopicStatsTable['offsetTable'] = [];
  for (;;) {
    while (/\s|,/.test(s[i] ?? '')) i++;
    if (s[i] === '}') break;
    if (s[i] !== '{') throw new ProtocolError(`TopicStatsTable: expected a queue object at ${i}`);
    const keyEnd = objectEnd(s, i, 'TopicStatsTable');
    const mq = JSON.parse(s.slice(i, keyEnd)) as MessageQueueKey;
    const valueStart = s.indexOf('{', keyEnd);
    if (valueStart < 0 || s.slice(keyEnd, valueStart).trim() !== ':') {
      throw new ProtocolError(`TopicStatsTable: expected ':' and a TopicOffset at ${keyEnd}`);
    }
    const valueEnd = objectEnd(s, valueStart, 'TopicStatsTable');
    const o = JSON.parse(s.slice(valueStart, valueEnd)) as Partial<TopicOffset>;
    offsetTable.push({
      mq: {
        topic: String(mq.topic),
        brokerName: String(mq.brokerName),
        queueId: Number(mq.queueId),
      },
      offset: {
        minOffset: Number(o.minOffset ?? 0),
        maxOffset: Number(o.maxOffset ?? 0),
        lastUpdateTimestamp: Number(o.lastUpdateTimestamp ?? 0),
      },
    });
    i = valueEnd;
  }
  const tps = /"topicPutTps"\s*:\s*(-?[\d.eE+-]+)/.exec(s.slice(tableEnd));
  return { offsetTable, topicPutTps: tps ? Number(tps[1]) : 0 };
}
