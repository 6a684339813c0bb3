// Where a topic or group is written: every master of a cluster, or one master broker, as
// RocketMQ's updateTopic / updateSubGroup take either -c or -b.
import { fmt } from '../i18n.js';
import type { ClusterView } from '../types.js';

export interface Target {
  value: string;
  label: string;
}

export function targets(view: ClusterView | undefined, t: Record<'cluster' | 'broker', string>) {
  const out: Target[] = [];
  for (const c of view?.clusters ?? []) {
    out.push({ value: `cluster:${c.name}`, label: fmt(t.cluster, { name: c.name }) });
    for (const b of c.brokers) {
      if (b.brokerId === 0)
        out.push({ value: `broker:${b.addr}`, label: fmt(t.broker, { addr: b.addr }) });
    }
  }
  return out;
}

/** The request fields for a chosen target value. */
export function targetFields(chosen: string): { cluster?: string; brokerAddr?: string } {
  if (chosen.startsWith('cluster:')) return { cluster: chosen.slice('cluster:'.length) };
  if (chosen.startsWith('broker:')) return { brokerAddr: chosen.slice('broker:'.length) };
  return {};
}
