// Composition root of the name server: route tables, request processors, the scan that expires
// silent brokers, and unregistering a broker whose registration connection closes.
import type { NamesrvConfig } from '../common/config/broker-config.js';
import { SCAN_NOT_ACTIVE_BROKER_INTERVAL_MS } from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import { type MetricsExporter, startMetricsExporter } from '../remoting/metrics/exporter.js';
import { RemotingServer } from '../remoting/remoting-server.js';
import { KvConfigManager } from './kv-config-manager.js';
import { NamesrvMetrics } from './metrics.js';
import {
  type LiveNamesrvConfig,
  registerNamesrvAdminProcessors,
} from './processors/admin-namesrv.js';
import { registerNamesrvProcessors } from './processors/default-request-processor.js';
import { RouteInfoManager } from './route-info-manager.js';

export class NamesrvController {
  readonly routes: RouteInfoManager;
  private readonly config: NamesrvConfig;
  /** What UPDATE_NAMESRV_CONFIG changed at run time; listenPort and bindAddress never change. */
  readonly live: LiveNamesrvConfig;
  private readonly log: Logger;
  private readonly server: RemotingServer;
  private timer: NodeJS.Timeout | undefined;
  private boundPort = 0;
  private readonly metrics: NamesrvMetrics | undefined;
  private exporter: MetricsExporter | undefined;

  constructor(
    config: NamesrvConfig,
    log: Logger,
    opts: { now?: () => number; configPath?: string } = {},
  ) {
    this.config = config;
    this.live = { current: config, configPath: opts.configPath };
    this.log = log;
    this.server = new RemotingServer(log.child({ module: 'remoting' }));
    const exporting = (config.metricsExporterType ?? 'DISABLE') !== 'DISABLE';
    this.metrics = exporting ? new NamesrvMetrics(this.server) : undefined;
    this.routes = new RouteInfoManager(
      log.child({ module: 'routes' }),
      config.brokerChannelExpiredTime,
      opts.now,
    );
    const kv = new KvConfigManager(config.kvConfigPath);
    registerNamesrvProcessors(this.server, this.routes, kv, this.live);
    registerNamesrvAdminProcessors(
      this.server,
      this.routes,
      this.live,
      log.child({ module: 'admin' }),
    );
    this.server.on('disconnect', (conn) => this.routes.onChannelDestroy(conn));
  }

  get port(): number {
    return this.boundPort;
  }

  /** Where Prometheus scrapes (metricsExporterType=PROM), once started. */
  get metricsUrl(): string | undefined {
    return this.exporter?.url;
  }

  async start(): Promise<void> {
    this.boundPort = await this.server.listen(this.config.listenPort, this.config.bindAddress);
    this.timer = setInterval(
      () => this.routes.scanNotActiveBroker(),
      SCAN_NOT_ACTIVE_BROKER_INTERVAL_MS,
    );
    this.timer.unref();
    if (this.metrics) {
      this.metrics.attach(this.routes, `${this.config.bindAddress}:${this.boundPort}`);
      const log = this.log.child({ module: 'metrics' });
      this.exporter = await startMetricsExporter(this.config, this.metrics.registry, log);
    }
    this.log.info({ port: this.boundPort }, 'name server started');
  }

  async shutdown(): Promise<void> {
    await this.exporter?.close();
    if (this.timer) clearInterval(this.timer);
    await this.server.close();
  }
}
