// SubscriptionGroupWrapper, the body of GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201) and of a slave's
// subscription-group sync: {"subscriptionGroupTable":{group: SubscriptionGroupConfig},
// "forbiddenTable":{}, "dataVersion":{...}}. Field names and defaults are those of RocketMQ 5's
// SubscriptionGroupConfig (a superset of 4.9's: readers of either ignore what they do not know).
import { ProtocolError } from '../../common/errors.js';
import type { DataVersion } from './route-data.js';

/** GroupRetryPolicy: CUSTOMIZED (the delay levels) unless a 5.x admin set EXPONENTIAL. */
export interface GroupRetryPolicy {
  type: 'CUSTOMIZED' | 'EXPONENTIAL';
  exponentialRetryPolicy?: { initial: number; max: number; multiplier: number };
  customizedRetryPolicy?: { next: number[] };
}

export interface SubscriptionGroupConfigBody {
  groupName: string;
  consumeEnable: boolean;
  consumeFromMinEnable: boolean;
  consumeBroadcastEnable: boolean;
  consumeMessageOrderly: boolean;
  retryQueueNums: number;
  retryMaxTimes: number;
  groupRetryPolicy: GroupRetryPolicy;
  brokerId: number;
  whichBrokerWhenConsumeSlowly: number;
  notifyConsumerIdsChangedEnable: boolean;
  groupSysFlag: number;
  consumeTimeoutMinute: number;
  subscriptionDataSet?: { topic: string; expressionType: string; expression: string }[];
  attributes: Record<string, string>;
}

export interface SubscriptionGroupWrapper {
  subscriptionGroupTable: Record<string, SubscriptionGroupConfigBody>;
  /** group → topic → forbidden perm bits (5.x); KiteMQ forbids nothing. */
  forbiddenTable: Record<string, Record<string, number>>;
  dataVersion: DataVersion;
}

/** A group as RocketMQ creates it, with `partial`'s fields over the defaults. */
export function subscriptionGroupBody(
  partial: Partial<SubscriptionGroupConfigBody> & { groupName: string },
): SubscriptionGroupConfigBody {
  return {
    consumeEnable: true,
    consumeFromMinEnable: true,
    consumeBroadcastEnable: true,
    consumeMessageOrderly: false,
    retryQueueNums: 1,
    retryMaxTimes: 16,
    groupRetryPolicy: { type: 'CUSTOMIZED' },
    brokerId: 0,
    whichBrokerWhenConsumeSlowly: 1,
    notifyConsumerIdsChangedEnable: true,
    groupSysFlag: 0,
    consumeTimeoutMinute: 15,
    attributes: {},
    ...partial,
  };
}

/** table[key] = value, except that a group literally named __proto__ stays a key. */
function put<T>(table: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(table, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

export function encodeSubscriptionGroupWrapper(
  groups: Iterable<Partial<SubscriptionGroupConfigBody> & { groupName: string }>,
  dataVersion: DataVersion,
): Buffer {
  const table: Record<string, SubscriptionGroupConfigBody> = {};
  for (const g of groups) put(table, g.groupName, subscriptionGroupBody(g));
  const body: SubscriptionGroupWrapper = {
    subscriptionGroupTable: table,
    forbiddenTable: {},
    dataVersion: { stateVersion: 0, ...dataVersion },
  };
  return Buffer.from(JSON.stringify(body), 'utf8');
}

/** The other direction, for a slave syncing from its master; 4.9 bodies lack the 5.x fields. */
export function decodeSubscriptionGroupWrapper(body: Buffer | undefined): SubscriptionGroupWrapper {
  let raw: Partial<SubscriptionGroupWrapper>;
  try {
    raw = JSON.parse(body?.toString('utf8') ?? '') as Partial<SubscriptionGroupWrapper>;
  } catch (err) {
    throw new ProtocolError(`subscription group body does not parse: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || typeof raw.subscriptionGroupTable !== 'object') {
    throw new ProtocolError('subscription group body has no subscriptionGroupTable');
  }
  const table: Record<string, SubscriptionGroupConfigBody> = {};
  for (const [name, g] of Object.entries(raw.subscriptionGroupTable ?? {})) {
    put(table, name, subscriptionGroupBody({ ...g, groupName: g.groupName ?? name }));
  }
  return {
    subscriptionGroupTable: table,
    forbiddenTable: raw.forbiddenTable ?? {},
    dataVersion: raw.dataVersion ?? { counter: 0, timestamp: 0 },
  };
}

const BOOLEAN_FIELDS = [
  'consumeEnable',
  'consumeFromMinEnable',
  'consumeBroadcastEnable',
  'consumeMessageOrderly',
  'notifyConsumerIdsChangedEnable',
] as const;
const INT_FIELDS = [
  'retryQueueNums',
  'retryMaxTimes',
  'brokerId',
  'whichBrokerWhenConsumeSlowly',
  'groupSysFlag',
  'consumeTimeoutMinute',
] as const;

/** One SubscriptionGroupConfig (the body of UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, 200). */
export function encodeSubscriptionGroupConfig(
  g: Partial<SubscriptionGroupConfigBody> & { groupName: string },
): Buffer {
  return Buffer.from(JSON.stringify(subscriptionGroupBody(g)), 'utf8');
}

/**
 * The other direction, over RocketMQ's defaults for what a 4.9 client leaves out. fastjson takes
 * "true" and "8" for a boolean and an int field; anything else is refused with the field's name.
 */
export function decodeSubscriptionGroupConfig(body: Buffer): SubscriptionGroupConfigBody {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new ProtocolError(`SubscriptionGroupConfig does not parse: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ProtocolError('SubscriptionGroupConfig body is not an object');
  }
  if (typeof raw.groupName !== 'string') {
    throw new ProtocolError('SubscriptionGroupConfig has no groupName string');
  }
  const out: Record<string, unknown> = { ...raw };
  for (const k of BOOLEAN_FIELDS) {
    const v = raw[k];
    if (v === undefined || v === null) delete out[k];
    else if (v === 'true' || v === 'false') out[k] = v === 'true';
    else if (typeof v !== 'boolean') throw new ProtocolError(`${k} must be true or false`);
  }
  for (const k of INT_FIELDS) {
    const v = raw[k];
    if (v === undefined || v === null) delete out[k];
    else if (typeof v === 'string' && /^-?\d+$/.test(v)) out[k] = Number(v);
    else if (!Number.isSafeInteger(v)) throw new ProtocolError(`${k} must be a whole number`);
  }
  const attrs = out.attributes;
  if (attrs === null) delete out.attributes;
  else if (
    attrs !== undefined &&
    (typeof attrs !== 'object' ||
      Array.isArray(attrs) ||
      Object.values(attrs).some((v) => typeof v !== 'string'))
  ) {
    throw new ProtocolError('attributes must be an object of strings');
  }
  const policy = out.groupRetryPolicy as { type?: unknown } | null | undefined;
  if (policy === null) delete out.groupRetryPolicy;
  else if (
    policy !== undefined &&
    (typeof policy !== 'object' || typeof policy.type !== 'string')
  ) {
    throw new ProtocolError('groupRetryPolicy must be an object with a type');
  }
  return subscriptionGroupBody(out as Partial<SubscriptionGroupConfigBody> & { groupName: string });
}
