// The exporters: PROM serves the registry on GET /metrics (404 elsewhere) and says which key to
// change when its port is taken; LOG writes the series in a log line per interval.
import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { type MetricsExporter, startMetricsExporter } from './exporter.js';

function recordingLogger(lines: { obj: object; msg?: string }[]): Logger {
  const log: Logger = {
    debug: () => {},
    info: (obj, msg) => lines.push({ obj, msg }),
    warn: () => {},
    error: (obj, msg) => lines.push({ obj, msg }),
    child: () => log,
  };
  return log;
}

function registry(): Registry {
  const r = new Registry();
  new Counter({ name: 'kitemq_test_total', help: 't', registers: [r] }).inc(3);
  return r;
}

const open: MetricsExporter[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const e of open.splice(0)) await e.close();
});

describe('metrics exporters', () => {
  it('PROM serves GET /metrics on the bound port and 404 elsewhere', async () => {
    const lines: { obj: object; msg?: string }[] = [];
    const conf = {
      metricsExporterType: 'PROM',
      metricsPromExporterHost: '127.0.0.1',
      metricsPromExporterPort: 0,
    } as const;
    const e = await startMetricsExporter(conf, registry(), recordingLogger(lines));
    if (e === undefined) throw new Error('PROM started nothing');
    open.push(e);
    expect(e.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(lines.map((l) => l.obj)).toContainEqual({ url: e.url });
    const res = await fetch(e.url as string);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('kitemq_test_total 3');
    expect((await fetch(`${e.url}x`)).status).toBe(404);
  });

  it('PROM on a taken port names the keys to change', async () => {
    const log = recordingLogger([]);
    const first = { metricsExporterType: 'PROM', metricsPromExporterHost: '127.0.0.1' } as const;
    const e = await startMetricsExporter({ ...first, metricsPromExporterPort: 0 }, registry(), log);
    open.push(e as MetricsExporter);
    const port = Number(new URL(e?.url as string).port);
    const again = startMetricsExporter(
      { ...first, metricsPromExporterPort: port },
      registry(),
      log,
    );
    await expect(again).rejects.toThrow(ConfigError);
    await expect(again).rejects.toThrow(/metricsPromExporterPort=\d+ \(EADDRINUSE\).*DISABLE/);
  });

  it('DISABLE starts nothing; LOG writes every series once per interval', async () => {
    const lines: { obj: object; msg?: string }[] = [];
    const log = recordingLogger(lines);
    expect(await startMetricsExporter({ metricsExporterType: 'DISABLE' }, registry(), log)).toBe(
      undefined,
    );
    vi.useFakeTimers();
    const conf = {
      metricsExporterType: 'LOG',
      metricsLoggingExporterIntervalInMills: 5000,
    } as const;
    const e = await startMetricsExporter(conf, registry(), log);
    open.push(e as MetricsExporter);
    expect(lines).toEqual([]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(lines).toEqual([
      { obj: { metrics: { kitemq_test_total: [{ labels: {}, value: 3 }] } }, msg: 'metrics' },
    ]);
  });
});
