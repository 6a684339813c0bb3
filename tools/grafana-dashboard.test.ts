// docs/grafana-kitemq.json stays in step with the exporters: it parses as a dashboard, and every
// metric a panel's query names is one the broker or the name server exports.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { withInProcessBroker } from '../src/broker/in-process-broker.fixture.js';
import { BrokerMetrics } from '../src/broker/metrics/broker-metrics.js';
import { silentLogger } from '../src/common/logger.js';
import { NamesrvMetrics } from '../src/namesrv/metrics.js';
import { RouteInfoManager } from '../src/namesrv/route-info-manager.js';

interface Panel {
  title: string;
  type: string;
  targets: { expr: string; refId: string }[];
}

const dashboard = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'docs', 'grafana-kitemq.json'), 'utf8'),
) as { title: string; uid: string; schemaVersion: number; panels: Panel[] };

/** Every series name a registry renders, histograms with their _bucket/_sum/_count. */
async function exported(registry: Registry) {
  const names = new Set<string>();
  for (const m of await registry.getMetricsAsJSON()) {
    names.add(m.name);
    if (String(m.type) === 'histogram')
      for (const s of ['_bucket', '_sum', '_count']) names.add(m.name + s);
  }
  return names;
}

describe('the Grafana dashboard', () => {
  it('is a dashboard whose panels all have queries', () => {
    expect(dashboard.title).toBe('KiteMQ');
    expect(dashboard.uid).toMatch(/^[a-z0-9-]+$/);
    expect(dashboard.schemaVersion).toBeGreaterThan(30);
    expect(dashboard.panels.length).toBeGreaterThan(10);
    for (const p of dashboard.panels) {
      expect(p.targets.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets) expect(t.expr, p.title).not.toBe('');
    }
  });

  it('queries only metrics the broker and the name server export', async () => {
    const names = new Set<string>();
    await withInProcessBroker({}, async (h) => {
      const m = new BrokerMetrics(h.ctx.config);
      m.attach(h.ctx);
      for (const n of await exported(m.registry)) names.add(n);
    });
    const ns = new NamesrvMetrics({ registerProcessor: () => {} });
    ns.attach(new RouteInfoManager(silentLogger(), 120_000), '127.0.0.1:9876');
    for (const n of await exported(ns.registry)) names.add(n);
    const unknown: string[] = [];
    for (const p of dashboard.panels) {
      for (const t of p.targets) {
        for (const [name] of t.expr.matchAll(/\b(?:rocketmq|kitemq|process|nodejs)_[a-z0-9_]+/g)) {
          if (!names.has(name)) unknown.push(`${p.title}: ${name}`);
        }
      }
    }
    expect(unknown).toEqual([]);
  });
});
