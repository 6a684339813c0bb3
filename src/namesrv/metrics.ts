// The name server's metrics (RocketMQ 5's name server exports none; these follow the broker's
// conventions): request latency and counts through rocketmq_rpc_latency, the brokers it routes
// to, the topics and clusters it knows, and process metrics. Labels node_type=namesrv and
// node_id=<host:port>.
import { collectDefaultMetrics, Registry } from 'prom-client';
import { registerCollected, type Sample } from '../remoting/metrics/collected.js';
import { RpcLatency } from '../remoting/metrics/rpc-latency.js';
import type { RemotingServer } from '../remoting/remoting-server.js';
import type { RouteInfoManager } from './route-info-manager.js';

export const NamesrvMetric = {
  BROKERS: 'kitemq_namesrv_brokers',
  TOPICS: 'kitemq_namesrv_topics',
  CLUSTERS: 'kitemq_namesrv_clusters',
} as const;

export class NamesrvMetrics {
  readonly registry = new Registry();
  readonly rpc = new RpcLatency();

  constructor(server: Pick<RemotingServer, 'registerProcessor'>) {
    collectDefaultMetrics({ register: this.registry });
    this.rpc.install(server);
    registerCollected(this.registry, this.rpc);
  }

  /** Once the port is known: label every series with who this name server is. */
  attach(routes: RouteInfoManager, nodeId: string): void {
    this.registry.setDefaultLabels({ node_type: 'namesrv', node_id: nodeId });
    registerCollected(this.registry, {
      name: NamesrvMetric.BROKERS,
      type: 'gauge',
      help: 'Live broker addresses registered, by cluster.',
      read: () => brokersByCluster(routes),
    });
    registerCollected(this.registry, {
      name: NamesrvMetric.TOPICS,
      type: 'gauge',
      help: 'Topics with a route.',
      read: () => [{ labels: {}, value: routes.allTopics().length }],
    });
    registerCollected(this.registry, {
      name: NamesrvMetric.CLUSTERS,
      type: 'gauge',
      help: 'Clusters with at least one broker.',
      read: () => [
        { labels: {}, value: Object.keys(routes.clusterInfo().clusterAddrTable).length },
      ],
    });
  }
}

function brokersByCluster(routes: RouteInfoManager): Sample[] {
  const info = routes.clusterInfo();
  return Object.entries(info.clusterAddrTable).map(([cluster, names]) => ({
    labels: { cluster },
    value: names.reduce(
      (n, name) => n + Object.keys(info.brokerAddrTable[name]?.brokerAddrs ?? {}).length,
      0,
    ),
  }));
}
