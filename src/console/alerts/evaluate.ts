// Evaluates the alert rules against each snapshot and keeps every alert's state:
//   (condition holds) → pending since t → firing once it held forMs → resolved when it stops.
// A pending alert whose condition stops is dropped without a word; firing and resolving are the
// two transitions a notifier hears of. DLQ growth compares a DLQ's max offset with the previous
// snapshot's; a broker is down when a broker seen before is missing from the snapshot or failed
// to answer in it.

import type { Snapshot } from '../collect/snapshot-types.js';
import { CONSOLE_DEFAULTS } from '../defaults.js';
import type { AlertRule, RuleType } from './rules.js';

export type AlertState = 'pending' | 'firing' | 'resolved';

export interface Alert {
  rule: string;
  type: RuleType;
  /** The group or the broker (brokerName/brokerId) it is about. */
  target: string;
  state: AlertState;
  /** null: not measurable now (a lag in seconds with nothing consumed yet). */
  value: number | null;
  threshold: number;
  /** When the condition was first seen, this time round. */
  since: number;
  firingSince?: number;
  resolvedAt?: number;
  at: number;
}

/** Hears of the transitions to firing and to resolved; must not block (webhook.ts queues). */
export type AlertListener = (alert: Alert) => void;

interface Breach {
  target: string;
  value: number | null;
  /** The condition holds for this target now. */
  breached: boolean;
}

const brokerKey = (b: { brokerName: string; brokerId: number }) => `${b.brokerName}/${b.brokerId}`;
const matches = (target: string, name: string) => target === '*' || target === name;

export class AlertEvaluator {
  private rules: AlertRule[];
  private readonly states = new Map<string, Alert>();
  /** Brokers seen in some snapshot → when last seen, for "broker down" after they vanish. */
  private readonly seenBrokers = new Map<string, number>();
  private readonly listener: AlertListener;
  private readonly brokerForgetMs: number;

  constructor(
    rules: readonly AlertRule[],
    listener: AlertListener = () => {},
    brokerForgetMs: number = CONSOLE_DEFAULTS.brokerForgetMs,
  ) {
    this.rules = [...rules];
    this.listener = listener;
    this.brokerForgetMs = brokerForgetMs;
  }

  /** New rules take effect at the next evaluation; alerts of removed rules are dropped. */
  setRules(rules: readonly AlertRule[]): void {
    this.rules = [...rules];
    const ids = new Set(rules.map((r) => r.id));
    for (const [key, a] of this.states) if (!ids.has(a.rule)) this.states.delete(key);
  }

  /** Groups whose online clients the next snapshot should ask for. */
  watchedGroups(): string[] {
    return this.rules
      .filter((r) => r.enabled && r.type === 'noOnlineConsumer')
      .map((r) => r.target);
  }

  /** Pending and firing alerts now (resolved ones are only returned by evaluate). */
  active(): Alert[] {
    return [...this.states.values()].map((a) => ({ ...a }));
  }

  evaluate(snapshot: Snapshot, prev?: Snapshot): Alert[] {
    const now = snapshot.at;
    for (const b of snapshot.brokers) this.seenBrokers.set(brokerKey(b), now);
    for (const [key, last] of this.seenBrokers)
      if (now - last > this.brokerForgetMs) this.seenBrokers.delete(key);
    const out: Alert[] = [];
    for (const rule of this.rules) {
      if (!rule.enabled) continue;
      const seen = new Set<string>();
      for (const b of this.breaches(rule, snapshot, prev)) {
        seen.add(b.target);
        const a = this.step(rule, b, now);
        if (a) out.push(a);
      }
      // A target no longer present (a group deleted) no longer holds the condition.
      for (const [key, a] of this.states) {
        if (a.rule !== rule.id || seen.has(a.target)) continue;
        const r = this.step(rule, { target: a.target, value: a.value, breached: false }, now);
        if (r) out.push(r);
        this.states.delete(key);
      }
    }
    return out;
  }

  private step(rule: AlertRule, b: Breach, now: number): Alert | undefined {
    const key = `${rule.id}\0${b.target}`;
    const cur = this.states.get(key);
    if (!b.breached) {
      this.states.delete(key);
      if (cur?.state !== 'firing') return undefined;
      const resolved: Alert = {
        ...cur,
        state: 'resolved',
        value: b.value,
        resolvedAt: now,
        at: now,
      };
      this.listener(resolved);
      return resolved;
    }
    const a: Alert = cur
      ? { ...cur, value: b.value, at: now }
      : {
          rule: rule.id,
          type: rule.type,
          target: b.target,
          state: 'pending',
          value: b.value,
          threshold: rule.threshold,
          since: now,
          at: now,
        };
    if (a.state === 'pending' && now - a.since >= rule.forMs) {
      a.state = 'firing';
      a.firingSince = now;
      this.listener({ ...a });
    }
    this.states.set(key, a);
    return { ...a };
  }

  private breaches(rule: AlertRule, s: Snapshot, prev?: Snapshot): Breach[] {
    const t = rule.threshold;
    switch (rule.type) {
      case 'consumerLag':
        return s.groups
          .filter((g) => matches(rule.target, g.group))
          .map((g) => {
            const value = rule.unit === 'seconds' ? g.lagSeconds : g.diff;
            return { target: g.group, value, breached: value !== null && value > t };
          });
      case 'noOnlineConsumer': {
        const g = s.groups.find((x) => x.group === rule.target);
        // Not asked (cap) or the broker failed: no verdict, so keep whatever state there is.
        if (g?.onlineClients === null) return this.unchanged(rule);
        const n = g?.onlineClients ?? 0;
        return [{ target: rule.target, value: n, breached: n === 0 }];
      }
      case 'dlqGrowth': {
        if (!prev) return this.unchanged(rule);
        const before = new Map(prev.dlq.map((d) => [d.topic, d.maxOffset]));
        return s.dlq
          .filter((d) => matches(rule.target, d.group))
          .map((d) => {
            const grown = d.maxOffset - (before.get(d.topic) ?? d.maxOffset);
            return { target: d.group, value: grown, breached: grown > t };
          });
      }
      case 'diskRatio':
        return s.brokers
          .filter((b) => b.up && b.diskRatio !== null && matches(rule.target, b.brokerName))
          .map((b) => ({ target: brokerKey(b), value: b.diskRatio!, breached: b.diskRatio! > t }));
      case 'brokerDown':
        return this.downBrokers(rule, s);
    }
  }

  private downBrokers(rule: AlertRule, s: Snapshot): Breach[] {
    const present = new Map(s.brokers.map((b) => [brokerKey(b), b]));
    const out: Breach[] = [];
    for (const key of this.seenBrokers.keys()) {
      const name = key.slice(0, key.lastIndexOf('/'));
      if (!matches(rule.target, name)) continue;
      const b = present.get(key);
      const down = !b?.up;
      out.push({ target: key, value: down ? 1 : 0, breached: down });
    }
    // A broker the name server dropped is missing from this snapshot but stays seen until forgot.
    for (const a of this.states.values())
      if (a.rule === rule.id && !out.some((b) => b.target === a.target))
        out.push({ target: a.target, value: 1, breached: this.seenBrokers.has(a.target) });
    return out;
  }

  private unchanged(rule: AlertRule): Breach[] {
    return [...this.states.values()]
      .filter((a) => a.rule === rule.id)
      .map((a) => ({ target: a.target, value: a.value, breached: a.state !== 'resolved' }));
  }
}
