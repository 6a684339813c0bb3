// Brokers by cluster and name with their role, load and disk, and the name servers. One
// api/cluster call per refresh: the server aggregates, one request per broker.
import {
  Badge,
  Button,
  Group,
  Loader,
  Paper,
  Progress,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { lazy, Suspense, useState } from 'react';
import { call } from '../../api.js';
import { common } from '../../components/common.i18n.js';
import { LoadState, Maybe } from '../../components/load-state.js';
import { fmt, useT } from '../../i18n.js';
import { useSession } from '../../session.js';
import type { BrokerRow, ClusterView } from '../../types.js';
import { useLoad } from '../../use-load.js';
import { BrokerConfigDrawer } from './broker-config-drawer.js';
import { cluster as table } from './cluster.i18n.js';

// recharts is most of the bundle: load it with the first chart, not with the login page.
const TpsChart = lazy(() => import('./tps-chart.js'));

export function DiskBar({ ratio }: { ratio: number }) {
  const pct = Math.max(0, Math.min(100, Math.round(ratio * 100)));
  const color = pct >= 90 ? 'red' : pct >= 75 ? 'orange' : 'teal';
  return (
    <Group gap="xs" wrap="nowrap">
      <Progress value={pct} color={color} w={80} />
      <Text size="xs">{`${pct}%`}</Text>
    </Group>
  );
}

/** A master nobody follows has no lag to report; only a broker that did not answer is unknown. */
function ReplicaLag({ b }: { b: BrokerRow }) {
  const t = useT(table);
  if (b.up && b.brokerId === 0 && b.replicaLagBytes === null) return <>{t.noSlave}</>;
  return (
    <>
      <Maybe value={b.replicaLagBytes} suffix=" B" />
      {b.replicaLagSeconds !== null && ` · ${fmt(t.lagSeconds, { n: b.replicaLagSeconds })}`}
    </>
  );
}

function BrokerLine(props: { b: BrokerRow; onConfig: (addr: string) => void }) {
  const t = useT(table);
  const { b } = props;
  return (
    <Table.Tr data-testid={`broker-${b.brokerName}-${b.brokerId}`}>
      <Table.Td>{b.brokerName}</Table.Td>
      <Table.Td>{b.brokerId}</Table.Td>
      <Table.Td>{b.role}</Table.Td>
      <Table.Td>{b.version}</Table.Td>
      <Table.Td>{b.addr}</Table.Td>
      <Table.Td>{b.inTps.toFixed(1)}</Table.Td>
      <Table.Td>{b.outTps.toFixed(1)}</Table.Td>
      <Table.Td>{`${b.putToday.toLocaleString()} / ${b.getToday.toLocaleString()}`}</Table.Td>
      <Table.Td>
        <DiskBar ratio={b.diskRatio} />
      </Table.Td>
      <Table.Td>
        <ReplicaLag b={b} />
      </Table.Td>
      <Table.Td>
        <Badge color={b.up ? 'teal' : 'red'} variant="light">
          {b.up ? t.up : t.down}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Button size="xs" variant="subtle" onClick={() => props.onConfig(b.addr)}>
          {t.config}
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}

function ClusterTables(props: { view: ClusterView; onConfig: (addr: string) => void }) {
  const t = useT(table);
  const { view } = props;
  const brokers = view.clusters.flatMap((c) => c.brokers);
  const heads = [t.brokerName, t.brokerId, t.role, t.version, t.addr, t.inTps, t.outTps, t.today];
  const tail = [t.disk, t.replicaLag, t.status];
  return (
    <Stack>
      <Text size="sm" data-testid="namesrvs">{`${t.namesrvs}: ${view.namesrvs.join('; ')}`}</Text>
      {brokers.length === 0 && <Text c="dimmed">{t.noBrokers}</Text>}
      {view.clusters.map((c) => (
        <Paper key={c.name} withBorder p="sm">
          <Title order={5} mb="xs">
            {fmt(t.clusterName, { name: c.name })}
          </Title>
          <Table striped highlightOnHover data-testid={`cluster-${c.name}`}>
            <Table.Thead>
              <Table.Tr>
                {[...heads, ...tail].map((h) => (
                  <Table.Th key={h}>{h}</Table.Th>
                ))}
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {[...c.brokers]
                .sort((x, y) => x.brokerName.localeCompare(y.brokerName) || x.brokerId - y.brokerId)
                .map((b) => (
                  <BrokerLine
                    key={`${b.brokerName}/${b.brokerId}`}
                    b={b}
                    onConfig={props.onConfig}
                  />
                ))}
            </Table.Tbody>
          </Table>
        </Paper>
      ))}
      {brokers.length > 0 && (
        <Paper withBorder p="sm">
          <Title order={5} mb="xs">
            {t.tpsChart}
          </Title>
          <Suspense fallback={<Loader size="sm" />}>
            <TpsChart brokers={brokers} inLabel={t.inTps} outLabel={t.outTps} />
          </Suspense>
        </Paper>
      )}
    </Stack>
  );
}

export function ClusterPage() {
  const t = useT(table);
  const c = useT(common);
  const { env } = useSession();
  const loaded = useLoad(() => call<ClusterView>('GET', 'cluster', { query: { env } }), [env]);
  const [configAddr, setConfigAddr] = useState<string>();
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t.title}</Title>
        <Button variant="default" size="xs" onClick={loaded.reload}>
          {c.refresh}
        </Button>
      </Group>
      <LoadState loaded={loaded}>
        {(view) => <ClusterTables view={view} onConfig={setConfigAddr} />}
      </LoadState>
      <BrokerConfigDrawer addr={configAddr} onClose={() => setConfigAddr(undefined)} />
    </Stack>
  );
}
