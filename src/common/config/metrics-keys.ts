// Metrics exporter keys (BrokerConfig 5.x names and defaults: metricsExporterType,
// metricsPromExporterHost, metricsPromExporterPort, metricsLoggingExporterIntervalInMills). The
// name server takes the same names with its own default port, so one host runs both exporters.
import {
  DEFAULT_METRICS_LOGGING_EXPORTER_INTERVAL_MS,
  DEFAULT_METRICS_PROM_EXPORTER_PORT,
  DEFAULT_NAMESRV_METRICS_PROM_EXPORTER_PORT,
} from '../limits.js';

export const METRICS_EXPORTER_TYPES = ['DISABLE', 'PROM', 'LOG'] as const;
export type MetricsExporterType = (typeof METRICS_EXPORTER_TYPES)[number];

export interface MetricsConfig {
  metricsExporterType: MetricsExporterType;
  metricsPromExporterHost: string;
  metricsPromExporterPort: number;
  metricsLoggingExporterIntervalInMills: number;
}

function metricsKeys(defaultPort: number, who: string) {
  return {
    metricsExporterType: {
      type: 'enum',
      default: 'DISABLE',
      values: METRICS_EXPORTER_TYPES,
      doc:
        `How the ${who} exports its metrics: DISABLE, PROM (an HTTP /metrics endpoint for ` +
        'Prometheus) or LOG (one structured log line per interval).',
    },
    metricsPromExporterHost: {
      type: 'string',
      default: '',
      doc: 'Interface /metrics binds to; empty binds all interfaces.',
    },
    metricsPromExporterPort: {
      type: 'int',
      default: defaultPort,
      min: 0,
      max: 65535,
      doc: 'Port of /metrics with PROM. 0 picks a free port; the bound URL is logged.',
    },
    metricsLoggingExporterIntervalInMills: {
      type: 'long',
      default: DEFAULT_METRICS_LOGGING_EXPORTER_INTERVAL_MS,
      unit: 'ms',
      min: 1000,
      doc: 'How often LOG writes its metrics line.',
    },
  } as const;
}

export const brokerMetricsKeys = metricsKeys(DEFAULT_METRICS_PROM_EXPORTER_PORT, 'broker');
export const namesrvMetricsKeys = metricsKeys(
  DEFAULT_NAMESRV_METRICS_PROM_EXPORTER_PORT,
  'name server',
);
