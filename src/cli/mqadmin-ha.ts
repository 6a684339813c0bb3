// mqadmin haStatus (RocketMQ 5's HAStatusSubCommand, over the classic HA link's runtime keys):
// for every broker of the cluster (-c, else all) or one (-b), its replication role and state,
// read from GET_BROKER_RUNTIME_INFO's ha* keys (broker/runtime-info-ha.ts). A master shows its
// HA address, slaves connected and the worst slave's lag; a slave shows the master it follows,
// whether the link is up, its lag and the bytes it dropped for divergence.
import { stringFlag } from './args.js';
import { type ClusterRow, clusterRows, replicaLagCell } from './cluster-list.js';
import type { SubcommandModule } from './mqadmin-output.js';

export const HA_HELP = `  haStatus          replication of every broker: role, HA address or master, link, lag,
                    truncated bytes: [-c <cluster>] [-b <brokerAddr>]`;

const HEADER = [
  '#Cluster Name',
  '#Broker Name',
  '#BID',
  '#Addr',
  '#Role',
  '#HA Addr / Master',
  '#Slaves / Link',
  '#Replica Lag',
  '#Truncated Bytes',
];

export function haStatusRow(r: ClusterRow): (string | number)[] {
  const i = r.info;
  const master = i?.haMaster === 'true';
  return [
    r.cluster,
    r.brokerName,
    r.brokerId,
    r.addr,
    i?.haRole ?? '-',
    (master ? i?.haServerAddr : i?.haMasterAddr) ?? '-',
    master ? (i?.haSlaveNums ?? '-') : i?.haConnected === 'true' ? 'up' : 'down',
    replicaLagCell(i),
    master ? '' : (i?.haTruncatedBytes ?? '-'),
  ];
}

export const HA_MODULE: SubcommandModule = {
  help: HA_HELP,
  options: {},
  commands: {
    async haStatus(admin, v, out) {
      const cluster = stringFlag(v, 'clusterName');
      const addr = stringFlag(v, 'brokerAddr');
      const rows = (await clusterRows(admin)).filter(
        (r) => (!cluster || r.cluster === cluster) && (!addr || r.addr === addr),
      );
      out.table(
        HEADER,
        rows.map(haStatusRow),
        rows.map((r) => ({ ...r, info: r.info ?? null })),
      );
    },
  },
};
