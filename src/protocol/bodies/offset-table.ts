// ResetOffsetBody {"offsetTable":{MessageQueue: long}}: a map keyed by objects, which fastjson
// writes with the key object itself in key position: {"offsetTable":{{"brokerName":"b",
// "queueId":0,"topic":"T"}:5}} — not JSON, so both directions are hand-written here.
import { ProtocolError } from '../../common/errors.js';

export interface MessageQueueKey {
  topic: string;
  brokerName: string;
  queueId: number;
}

export interface QueueOffset {
  mq: MessageQueueKey;
  offset: number;
}

/** A MessageQueue in key position, as fastjson writes it (TopicStatsTable, ConsumeStats too). */
export function messageQueueKeyJson(mq: MessageQueueKey): string {
  // fastjson sorts fields alphabetically.
  return `{"brokerName":${JSON.stringify(mq.brokerName)},"queueId":${mq.queueId},"topic":${JSON.stringify(mq.topic)}}`;
}

export function encodeOffsetTable(entries: QueueOffset[]): Buffer {
  const parts = entries.map((e) => `${messageQueueKeyJson(e.mq)}:${e.offset}`);
  return Buffer.from(`{"offsetTable":{${parts.join(',')}}}`, 'utf8');
}

/**
 * Index just past the JSON object or array that opens at `from` ('{' or '['), strings and nesting
 * aware; `what` names the body in the error for an unterminated one.
 */
export function objectEnd(s: string, from: number, what = 'offset table'): number {
  let depth = 0;
  let inString = false;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && --depth === 0) return i + 1;
  }
  throw new ProtocolError(`${what}: unterminated object`);
}

function queueKey(text: string): MessageQueueKey {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new ProtocolError(`offset table: a queue key does not parse: ${(err as Error).message}`);
  }
  const o = (v ?? {}) as Partial<MessageQueueKey>;
  if (typeof o.topic !== 'string' || typeof o.brokerName !== 'string') {
    throw new ProtocolError(
      `offset table: queue key ${text.slice(0, 80)} has no topic and brokerName`,
    );
  }
  return o as MessageQueueKey;
}

export function decodeOffsetTable(body: Buffer): QueueOffset[] {
  const s = body.toString('utf8');
  const start = s.indexOf('"offsetTable"');
  if (start < 0) throw new ProtocolError('offset table: no offsetTable field');
  let i = s.indexOf('{', start);
  if (i < 0) throw new ProtocolError('offset table: offsetTable is not an object');
  i++;
  const out: QueueOffset[] = [];
  for (;;) {
    while (/\s|,/.test(s[i] ?? '')) i++;
    if (s[i] === '}') return out;
    if (s[i] !== '{') throw new ProtocolError(`offset table: expected a queue object at ${i}`);
    const end = objectEnd(s, i);
    const mq = queueKey(s.slice(i, end));
    const m = /^\s*:\s*(-?\d+)/.exec(s.slice(end));
    if (!m) throw new ProtocolError(`offset table: expected ':' and an offset at ${end}`);
    out.push({
      mq: { topic: mq.topic, brokerName: mq.brokerName, queueId: Number(mq.queueId) },
      offset: Number(m[1]),
    });
    i = end + m[0].length;
  }
}

/**
 * GetConsumerStatusBody, a client's answer to GET_CONSUMER_STATUS_FROM_CLIENT (221):
 * messageQueueTable is the same object-keyed map; consumerTable (clientId → such a map) is what a
 * broker fills in when it merges its clients' answers, so a client leaves it empty.
 */
export function encodeConsumerStatusBody(entries: QueueOffset[]): Buffer {
  const parts = entries.map((e) => `${messageQueueKeyJson(e.mq)}:${e.offset}`);
  return Buffer.from(`{"consumerTable":{},"messageQueueTable":{${parts.join(',')}}}`, 'utf8');
}

/** The messageQueueTable of a GetConsumerStatusBody. */
export function decodeConsumerStatusBody(body: Buffer): QueueOffset[] {
  const s = body.toString('utf8');
  const at = s.indexOf('"messageQueueTable"');
  if (at < 0) throw new ProtocolError('consumer status: no messageQueueTable field');
  return decodeOffsetTable(
    Buffer.from(`{"offsetTable"${s.slice(at + '"messageQueueTable"'.length)}`),
  );
}
