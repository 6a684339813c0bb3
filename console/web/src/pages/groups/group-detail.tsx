// One group, queue by queue: where the broker is, where the group is, the lag in messages and
// in seconds, and which client holds the queue; then the group's connections.
import { Anchor, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { call } from '../../api.js';
import { common } from '../../components/common.i18n.js';
import { LoadState, Maybe } from '../../components/load-state.js';
import { useLocale, useT } from '../../i18n.js';
import { href } from '../../router.js';
import { useSession } from '../../session.js';
import type { GroupDetail } from '../../types.js';
import { useLoad } from '../../use-load.js';
import { groups as table } from './groups.i18n.js';

function QueueTable({ d }: { d: GroupDetail }) {
  const t = useT(table);
  const locale = useLocale();
  const c = useT(common);
  const heads = [
    ...[t.topic, t.brokerName, t.queueId, t.brokerOffset, t.consumerOffset],
    ...[t.diff, t.lagSeconds, t.clientId, t.lastTimestamp],
  ];
  return (
    <Table striped data-testid="group-queues">
      <Table.Thead>
        <Table.Tr>
          {heads.map((h) => (
            <Table.Th key={h}>{h}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {d.queues.map((q) => (
          <Table.Tr key={`${q.topic}/${q.brokerName}/${q.queueId}`}>
            <Table.Td>{q.topic}</Table.Td>
            <Table.Td>{q.brokerName}</Table.Td>
            <Table.Td>{q.queueId}</Table.Td>
            <Table.Td>{q.brokerOffset}</Table.Td>
            <Table.Td>{q.consumerOffset}</Table.Td>
            <Table.Td>{q.diff}</Table.Td>
            <Table.Td>
              <Maybe value={q.lagSeconds} />
            </Table.Td>
            <Table.Td>{q.clientId ?? c.none}</Table.Td>
            <Table.Td>
              {q.lastTimestamp === null
                ? c.unknown
                : new Date(q.lastTimestamp).toLocaleString(locale)}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Connections({ d }: { d: GroupDetail }) {
  const t = useT(table);
  if (d.connections.length === 0) return <Text c="dimmed">{t.noConnections}</Text>;
  return (
    <Table data-testid="group-connections">
      <Table.Thead>
        <Table.Tr>
          {[t.clientId, t.clientAddr, t.language, t.version].map((h) => (
            <Table.Th key={h}>{h}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {d.connections.map((x) => (
          <Table.Tr key={x.clientId}>
            <Table.Td>{x.clientId}</Table.Td>
            <Table.Td>{x.clientAddr}</Table.Td>
            <Table.Td>{x.language}</Table.Td>
            <Table.Td>{x.version}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function GroupDetailPage({ group }: { group: string }) {
  const t = useT(table);
  const { env } = useSession();
  const loaded = useLoad(
    () => call<GroupDetail>('GET', `groups/${encodeURIComponent(group)}`, { query: { env } }),
    [env, group],
  );
  return (
    <Stack>
      <Anchor href={href('groups')}>{t.back}</Anchor>
      <Title order={2}>{group}</Title>
      <LoadState loaded={loaded}>
        {(d) => (
          <Stack>
            <Text>
              {`${t.diffTotal}: `}
              <Maybe value={d.diffTotal} />
            </Text>
            <Paper withBorder p="sm">
              <Title order={5}>{t.queues}</Title>
              <QueueTable d={d} />
            </Paper>
            <Paper withBorder p="sm">
              <Title order={5}>{t.connections}</Title>
              <Connections d={d} />
            </Paper>
          </Stack>
        )}
      </LoadState>
    </Stack>
  );
}
