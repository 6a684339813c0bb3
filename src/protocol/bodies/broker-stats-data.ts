// BrokerStatsData, VIEW_BROKER_STATS_DATA's body (AdminBrokerProcessor#ViewBrokerStatsData):
// {"statsDay":item,"statsHour":item,"statsMinute":item}, each a BrokerStatsItem
// {"avgpt":d,"sum":n,"tps":d} (sum a long, the others doubles), fields in fastjson's name order.
import { javaDouble, numberField, objectField, parseObject } from './fastjson.js';

export interface BrokerStatsItem {
  sum: number;
  tps: number;
  avgpt: number;
}

export interface BrokerStatsData {
  statsMinute: BrokerStatsItem;
  statsHour: BrokerStatsItem;
  statsDay: BrokerStatsItem;
}

const WHAT = 'BrokerStatsData';

const itemJson = (s: BrokerStatsItem) =>
  `{"avgpt":${javaDouble(s.avgpt)},"sum":${s.sum},"tps":${javaDouble(s.tps)}}`;

export function encodeBrokerStatsData(d: BrokerStatsData): Buffer {
  return Buffer.from(
    `{"statsDay":${itemJson(d.statsDay)},"statsHour":${itemJson(d.statsHour)},` +
      `"statsMinute":${itemJson(d.statsMinute)}}`,
    'utf8',
  );
}

export function decodeBrokerStatsData(body: Buffer | undefined): BrokerStatsData {
  const raw = parseObject(body, WHAT);
  const item = (field: string): BrokerStatsItem => {
    const o = objectField(raw, field, WHAT);
    return {
      sum: numberField(o, 'sum', WHAT),
      tps: numberField(o, 'tps', WHAT),
      avgpt: numberField(o, 'avgpt', WHAT),
    };
  };
  return {
    statsMinute: item('statsMinute'),
    statsHour: item('statsHour'),
    statsDay: item('statsDay'),
  };
}
