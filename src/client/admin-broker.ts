// The broker's own admin calls (MQClientAPIImpl#getBrokerConfig, #updateBrokerConfig,
// #fetchConsumeStatsInBroker): GET_BROKER_CONFIG (26), UPDATE_BROKER_CONFIG (25) and
// GET_BROKER_CONSUME_STATS (317), beside AdminClient as functions taking it.
import { parseProperties } from '../common/properties.js';
import { decodeBrokerStatsData } from '../protocol/bodies/broker-stats-data.js';
import {
  type ConsumeStatsList,
  decodeConsumeStatsList,
} from '../protocol/bodies/consume-stats-list.js';
import { createRequest, createRequestWithFields } from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import type { AdminClient } from './admin.js';
import { MQBrokerError, MQClientError } from './errors.js';

/** Every broker address of a cluster (masters and slaves), or all brokers when no cluster. */
export async function clusterBrokerAddrs(
  admin: AdminClient,
  clusterName: string,
): Promise<string[]> {
  const info = await admin.getClusterInfo();
  const names = info.clusterAddrTable[clusterName];
  if (!names) {
    const known = Object.keys(info.clusterAddrTable).join(', ') || 'none';
    throw new MQClientError(
      `cluster ${clusterName} is not registered with the name server (known: ${known})`,
    );
  }
  return names.flatMap((n) =>
    Object.entries(info.brokerAddrTable[n]?.brokerAddrs ?? {})
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, addr]) => addr),
  );
}

/** GET_BROKER_CONFIG: the broker's effective configuration, key → value text. */
export async function getBrokerConfig(
  admin: AdminClient,
  brokerAddr: string,
): Promise<Record<string, string>> {
  const res = await admin.instance.remoting.invoke(
    brokerAddr,
    createRequest(RequestCode.GET_BROKER_CONFIG, 0),
  );
  if (res.code !== ResponseCode.SUCCESS) throw new MQBrokerError(res.code, res.remark, brokerAddr);
  const text = res.body?.toString('utf8') ?? '';
  return Object.fromEntries(
    parseProperties(text, 'GET_BROKER_CONFIG').map((e) => [e.key, e.value]),
  );
}

/** UPDATE_BROKER_CONFIG with one key=value; a refusal is an MQBrokerError with its remark. */
export async function updateBrokerConfig(
  admin: AdminClient,
  brokerAddr: string,
  key: string,
  value: string,
): Promise<void> {
  const body = Buffer.from(`${key}=${value}\n`, 'utf8');
  const res = await admin.instance.remoting.invoke(
    brokerAddr,
    createRequestWithFields(RequestCode.UPDATE_BROKER_CONFIG, {}, body),
  );
  if (res.code !== ResponseCode.SUCCESS) throw new MQBrokerError(res.code, res.remark, brokerAddr);
}

/** GET_BROKER_CONSUME_STATS: every group's consume stats on one broker. */
export async function getBrokerConsumeStats(
  admin: AdminClient,
  brokerAddr: string,
  isOrder: boolean,
  timeoutMs: number,
): Promise<ConsumeStatsList> {
  const res = await admin.instance.remoting.invoke(
    brokerAddr,
    createRequestWithFields(RequestCode.GET_BROKER_CONSUME_STATS, { isOrder: String(isOrder) }),
    timeoutMs,
  );
  if (res.code !== ResponseCode.SUCCESS || !res.body) {
    throw new MQBrokerError(res.code, res.remark, brokerAddr);
  }
  return decodeConsumeStatsList(res.body);
}

export interface StatsSnapshotView {
  sum: number;
  tps: number;
  avgpt: number;
}

/** VIEW_BROKER_STATS_DATA; undefined when the broker has nothing under that name and key. */
export async function viewBrokerStatsData(
  admin: AdminClient,
  brokerAddr: string,
  statsName: string,
  statsKey: string,
): Promise<
  | { statsMinute: StatsSnapshotView; statsHour: StatsSnapshotView; statsDay: StatsSnapshotView }
  | undefined
> {
  const res = await admin.instance.remoting.invoke(
    brokerAddr,
    createRequestWithFields(RequestCode.VIEW_BROKER_STATS_DATA, { statsName, statsKey }),
  );
  if (res.code === ResponseCode.SYSTEM_ERROR && /not exist/.test(res.remark ?? '')) {
    return undefined;
  }
  if (res.code !== ResponseCode.SUCCESS || !res.body) {
    throw new MQBrokerError(res.code, res.remark, brokerAddr);
  }
  return decodeBrokerStatsData(res.body);
}
