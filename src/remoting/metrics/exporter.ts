// How a server hands its metrics out (BrokerMetricsManager#init's exporter switch):
// metricsExporterType=PROM serves the Prometheus text format on
// http://metricsPromExporterHost:metricsPromExporterPort/metrics; LOG writes one structured log
// line per metricsLoggingExporterIntervalInMills with every series' value; DISABLE does nothing.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { MetricsConfig } from '../../common/config/metrics-keys.js';
import { ConfigError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';

export interface MetricsExporter {
  /** The scrape URL with PROM (the bound port when 0 was asked), else undefined. */
  readonly url: string | undefined;
  close(): Promise<void>;
}

export async function startMetricsExporter(
  config: Partial<MetricsConfig>,
  registry: Registry,
  log: Logger,
): Promise<MetricsExporter | undefined> {
  switch (config.metricsExporterType ?? 'DISABLE') {
    case 'DISABLE':
      return undefined;
    case 'PROM':
      return promExporter(
        config.metricsPromExporterHost ?? '',
        config.metricsPromExporterPort ?? 0,
        registry,
        log,
      );
    case 'LOG':
      return logExporter(config.metricsLoggingExporterIntervalInMills ?? 10_000, registry, log);
  }
}

async function promExporter(
  host: string,
  port: number,
  registry: Registry,
  log: Logger,
): Promise<MetricsExporter> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('metrics are at GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => {
        log.error({ err }, 'collecting metrics failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('collecting metrics failed\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, host, port)));
    // '' binds every interface, as RocketMQ's exporter does with an empty host.
    server.listen(port, host === '' ? undefined : host, () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const shown = host === '' || host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `http://${shown.includes(':') ? `[${shown}]` : shown}:${bound}/metrics`;
  log.info({ url }, 'metrics exporter listening');
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The exporter's own port names its own keys, not the server's listenPort. */
function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  if (err.code !== 'EADDRINUSE' && err.code !== 'EACCES' && err.code !== 'EADDRNOTAVAIL')
    return err;
  const where = `metricsPromExporterHost=${host === '' ? "''" : host} metricsPromExporterPort=${port}`;
  return new ConfigError(
    `cannot serve /metrics on ${where} (${err.code}); set another metricsPromExporterPort ` +
      '(0 picks a free one) or metricsExporterType=DISABLE',
    { cause: err },
  );
}

function logExporter(intervalMs: number, registry: Registry, log: Logger): MetricsExporter {
  const timer = setInterval(() => {
    registry.getMetricsAsJSON().then(
      (all) => {
        const metrics: Record<string, { labels: object; value: number }[]> = {};
        for (const m of all) {
          metrics[m.name] = m.values.map((v) => ({ labels: v.labels, value: v.value }));
        }
        log.info({ metrics }, 'metrics');
      },
      (err: unknown) => log.error({ err }, 'collecting metrics failed'),
    );
  }, intervalMs);
  timer.unref();
  return { url: undefined, close: async () => clearInterval(timer) };
}
