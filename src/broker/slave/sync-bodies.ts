// Readers of the bodies a slave pulls from its master (BrokerOuterAPI#getAllTopicConfig,
// #getAllConsumerOffset, #getAllDelayOffset, #getAllSubscriptionGroupConfig, and the runtime
// info's commitLogMinOffset). A Java master writes them with fastjson, whose Map<Integer, …>
// keys come out unquoted ({0:12}); those of 43 and 45 are quoted before JSON.parse (the others
// have string keys, and their values may hold text the quoting would touch). Shapes:
//   21  TopicConfigSerializeWrapper    {"topicConfigTable":{name: TopicConfig},"dataVersion":{…}}
//   43  ConsumerOffsetSerializeWrapper {"offsetTable":{"<topic>@<group>":{queueId: offset}}}
//   45  delayOffset.json               {"offsetTable":{level: offset},"dataVersion":{…}}
//   201 SubscriptionGroupWrapper       (src/protocol/bodies/subscription-group.ts)
//   28  KVTable                        {"table":{"commitLogMinOffset":"<n>",…}}
// A body that does not have its shape throws ProtocolError: the round fails and the slave keeps
// what it had, rather than applying half a table.
import { ProtocolError } from '../../common/errors.js';
import { decodeSubscriptionGroupWrapper } from '../../protocol/bodies/subscription-group.js';
import {
  newSubscriptionGroupConfig,
  type SubscriptionGroupConfig,
} from '../managers/subscription-group-manager.js';
import { newTopicConfig, type TopicConfig } from '../managers/topic-config-manager.js';
import { quoteNumericKeys } from '../schedule/delay-offset-store.js';

export interface SyncedVersion {
  counter: number;
  timestamp: number;
  stateVersion?: number;
}

/** `intKeys`: the body has Map<Integer, …> keys fastjson may have left unquoted. */
function parse(what: string, body: Buffer | undefined, intKeys = false): Record<string, unknown> {
  let v: unknown;
  const text = body?.toString('utf8') ?? '';
  try {
    v = JSON.parse(intKeys ? quoteNumericKeys(text) : text);
  } catch (err) {
    throw new ProtocolError(`${what} body does not parse: ${(err as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new ProtocolError(`${what} body is not an object`);
  }
  return v as Record<string, unknown>;
}

function objectField(what: string, o: Record<string, unknown>, k: string) {
  const v = o[k];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new ProtocolError(`${what} body has no ${k} object`);
  }
  return v as Record<string, unknown>;
}

function version(o: Record<string, unknown>): SyncedVersion {
  const d = o.dataVersion as Partial<SyncedVersion> | undefined;
  const int = (x: unknown) => (Number.isSafeInteger(x) ? (x as number) : 0);
  return {
    counter: int(d?.counter),
    timestamp: int(d?.timestamp),
    stateVersion: int(d?.stateVersion),
  };
}

/** Non-negative safe integers keyed by integers; anything else is a malformed body. */
function intMap(what: string, o: Record<string, unknown>): Map<number, number> {
  const m = new Map<number, number>();
  for (const [k, v] of Object.entries(o)) {
    const key = Number(k);
    if (!Number.isSafeInteger(key) || !Number.isSafeInteger(v) || (v as number) < 0) {
      throw new ProtocolError(`${what}: ${k} → ${String(v)} is not a queue offset`);
    }
    m.set(key, v as number);
  }
  return m;
}

export function decodeTopicConfigWrapper(body: Buffer | undefined): {
  topics: TopicConfig[];
  dataVersion: SyncedVersion;
} {
  const o = parse('topic config', body);
  const table = objectField('topic config', o, 'topicConfigTable');
  const topics: TopicConfig[] = [];
  for (const [name, raw] of Object.entries(table)) {
    const tc = raw as Partial<TopicConfig>;
    if (typeof tc !== 'object' || tc === null || !Number.isSafeInteger(tc.readQueueNums)) {
      throw new ProtocolError(`topic config: ${name} has no readQueueNums`);
    }
    topics.push({ ...newTopicConfig(name, tc.readQueueNums!), ...tc, topicName: name });
  }
  return { topics, dataVersion: version(o) };
}

export function decodeConsumerOffsetWrapper(
  body: Buffer | undefined,
): Map<string, Map<number, number>> {
  const table = objectField('consumer offset', parse('consumer offset', body, true), 'offsetTable');
  const out = new Map<string, Map<number, number>>();
  for (const [key, queues] of Object.entries(table)) {
    if (typeof queues !== 'object' || queues === null || !key.includes('@')) {
      throw new ProtocolError(`consumer offset: ${key} is not "<topic>@<group>" → offsets`);
    }
    out.set(key, intMap('consumer offset', queues as Record<string, unknown>));
  }
  return out;
}

/** delayOffset.json's offsetTable: delay level → next schedule-queue offset. */
export function decodeDelayOffsetTable(body: Buffer | undefined): Map<number, number> {
  const o = parse('delay offset', body, true);
  return intMap('delay offset', objectField('delay offset', o, 'offsetTable'));
}

export function decodeSubscriptionGroups(body: Buffer | undefined): {
  groups: SubscriptionGroupConfig[];
  dataVersion: SyncedVersion;
} {
  const w = decodeSubscriptionGroupWrapper(body);
  const groups = Object.values(w.subscriptionGroupTable).map((g) => {
    const base = newSubscriptionGroupConfig(g.groupName);
    // Only the fields this broker keeps; the 5.x extras are the master's to hold.
    for (const k of Object.keys(base) as (keyof SubscriptionGroupConfig)[]) {
      (base as unknown as Record<string, unknown>)[k] = g[k];
    }
    return base;
  });
  return { groups, dataVersion: { stateVersion: 0, ...w.dataVersion } };
}

/** The master's commit-log head from its runtime info; undefined when the key is absent. */
export function decodeCommitLogMinOffset(body: Buffer | undefined): number | undefined {
  const table = objectField('runtime info', parse('runtime info', body), 'table');
  const v = table.commitLogMinOffset;
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new ProtocolError(`runtime info: commitLogMinOffset ${String(v)} is not an offset`);
  }
  return n;
}
