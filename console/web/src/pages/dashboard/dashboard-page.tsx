// The landing page: cluster totals and TPS over the last hour, every broker with its disk, the
// busiest topics and the most lagging groups, and the active alerts. One api/dashboard call
// plus the two cluster series, re-read at the interval the server samples at.
import {
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { lazy, Suspense } from 'react';
import { call } from '../../api.js';
import { common } from '../../components/common.i18n.js';
import { LoadState, Maybe } from '../../components/load-state.js';
import { fmt, useLocale, useT } from '../../i18n.js';
import { href } from '../../router.js';
import { useSession } from '../../session.js';
import type { Dashboard, Series } from '../../types.js';
import { useEvery } from '../../use-every.js';
import { useLoad } from '../../use-load.js';
import { ActiveAlerts } from '../alerts/active-alerts.js';
import { DiskBar } from '../cluster/cluster-page.js';
import { dashboard as table } from './dashboard.i18n.js';
import { mergeSeries, SERIES_MAX_POINTS, SERIES_WINDOW_MS, type TpsRow } from './series.js';

const TpsOverTime = lazy(() => import('./tps-over-time.js'));

/**
 * The server may sample far faster than a person reads (tests set 100 ms); each re-read costs
 * three calls, so the page follows the server's interval but no faster than this.
 */
const PAGE_REFRESH_MIN_MS = 2_000;

interface Loaded {
  d: Dashboard;
  rows: TpsRow[];
}

async function loadAll(env: string): Promise<Loaded> {
  const to = Date.now();
  const series = (key: string) =>
    call<Series>('GET', 'dashboard/series', {
      query: {
        env,
        key,
        from: String(to - SERIES_WINDOW_MS),
        to: String(to),
        maxPoints: String(SERIES_MAX_POINTS),
      },
    });
  const [d, sin, sout] = await Promise.all([
    call<Dashboard>('GET', 'dashboard', { query: { env } }),
    series('cluster.in'),
    series('cluster.out'),
  ]);
  return { d, rows: mergeSeries(sin.points, sout.points) };
}

function Figure(props: { label: string; value: string; testid: string }) {
  return (
    <Paper withBorder p="sm">
      <Text size="xs" c="dimmed">
        {props.label}
      </Text>
      <Text size="xl" fw={600} data-testid={props.testid}>
        {props.value}
      </Text>
    </Paper>
  );
}

function Brokers({ d }: { d: Dashboard }) {
  const t = useT(table);
  return (
    <Table striped data-testid="dash-brokers">
      <Table.Thead>
        <Table.Tr>
          {[t.broker, t.addr, t.status, t.totalIn, t.totalOut, t.disk].map((h) => (
            <Table.Th key={h}>{h}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {d.brokers.map((b) => (
          <Table.Tr
            key={`${b.brokerName}/${b.brokerId}`}
            data-testid={`dash-broker-${b.brokerName}-${b.brokerId}`}
          >
            <Table.Td>{`${b.brokerName}/${b.brokerId}`}</Table.Td>
            <Table.Td>{b.addr}</Table.Td>
            <Table.Td>
              <Badge color={b.up ? 'teal' : 'red'} variant="light">
                {b.up ? t.up : t.down}
              </Badge>
            </Table.Td>
            <Table.Td data-testid="in-tps">{b.inTps.toFixed(1)}</Table.Td>
            <Table.Td>{b.outTps.toFixed(1)}</Table.Td>
            <Table.Td>
              {b.diskRatio === null ? <Maybe value={null} /> : <DiskBar ratio={b.diskRatio} />}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function TopLists({ d }: { d: Dashboard }) {
  const t = useT(table);
  const c = useT(common);
  return (
    <SimpleGrid cols={2}>
      <Paper withBorder p="sm">
        <Title order={5} mb="xs">
          {t.topTopics}
        </Title>
        {d.topTopics.length === 0 && <Text c="dimmed">{t.empty}</Text>}
        <Table data-testid="top-topics">
          <Table.Tbody>
            {d.topTopics.map((x) => (
              <Table.Tr key={x.topic}>
                <Table.Td>
                  <Anchor href={href('topics', x.topic)}>{x.topic}</Anchor>
                </Table.Td>
                <Table.Td>{x.inTps.toFixed(1)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      <Paper withBorder p="sm">
        <Title order={5} mb="xs">
          {t.topGroups}
        </Title>
        {d.topGroups.length === 0 && <Text c="dimmed">{t.empty}</Text>}
        <Table data-testid="top-groups">
          {d.topGroups.length > 0 && (
            <Table.Thead>
              <Table.Tr>
                {[t.group, t.diff, t.lagSeconds, t.consumeTps].map((h) => (
                  <Table.Th key={h}>{h}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
          )}
          <Table.Tbody>
            {d.topGroups.map((g) => (
              <Table.Tr key={g.group}>
                <Table.Td>
                  <Anchor href={href('groups', g.group)}>{g.group}</Anchor>
                </Table.Td>
                <Table.Td>{g.diff.toLocaleString()}</Table.Td>
                <Table.Td>
                  {g.lagSeconds === null ? c.unknown : g.lagSeconds.toLocaleString()}
                </Table.Td>
                <Table.Td>{g.consumeTps.toFixed(1)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
    </SimpleGrid>
  );
}

function DashboardBody({ d, rows }: Loaded) {
  const t = useT(table);
  const locale = useLocale();
  const up = d.brokers.filter((b) => b.up).length;
  return (
    <Stack>
      <Text size="xs" c="dimmed">
        {fmt(t.updated, { time: new Date(d.at).toLocaleTimeString(locale) })}
      </Text>
      <SimpleGrid cols={3}>
        <Figure label={t.totalIn} value={d.totals.inTps.toFixed(1)} testid="total-in-tps" />
        <Figure label={t.totalOut} value={d.totals.outTps.toFixed(1)} testid="total-out-tps" />
        <Figure label={t.brokersUp} value={`${up} / ${d.brokers.length}`} testid="brokers-up" />
      </SimpleGrid>
      <Paper withBorder p="sm">
        <Title order={5} mb="xs">
          {t.tpsOverTime}
        </Title>
        {rows.length === 0 ? (
          <Text c="dimmed">{t.noPoints}</Text>
        ) : (
          <Suspense fallback={<Loader size="sm" />}>
            <TpsOverTime rows={rows} inLabel={t.inSeries} outLabel={t.outSeries} locale={locale} />
          </Suspense>
        )}
      </Paper>
      <Paper withBorder p="sm">
        <Title order={5} mb="xs">
          {t.brokers}
        </Title>
        <Brokers d={d} />
      </Paper>
      <TopLists d={d} />
      <Paper withBorder p="sm">
        <Group justify="space-between" mb="xs">
          <Title order={5}>{t.alerts}</Title>
          <Anchor href={href('alerts')} size="sm">
            {t.allAlerts}
          </Anchor>
        </Group>
        <ActiveAlerts alerts={d.alerts} />
      </Paper>
    </Stack>
  );
}

export function DashboardPage() {
  const t = useT(table);
  const c = useT(common);
  const { env } = useSession();
  const loaded = useLoad(() => loadAll(env), [env]);
  const every = loaded.data?.d.refreshIntervalMs;
  useEvery(every === undefined ? undefined : Math.max(every, PAGE_REFRESH_MIN_MS), loaded.reload);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t.title}</Title>
        <Button variant="default" size="xs" onClick={loaded.reload} data-testid="refresh">
          {c.refresh}
        </Button>
      </Group>
      <LoadState loaded={loaded}>{(x) => <DashboardBody d={x.d} rows={x.rows} />}</LoadState>
    </Stack>
  );
}
