// One topic: per-queue offsets, its route (which brokers, how many queues, perm) and the
// consumer groups that have offsets on it.
import { Anchor, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { call } from '../../api.js';
import { common } from '../../components/common.i18n.js';
import { LoadState } from '../../components/load-state.js';
import { useLocale, useT } from '../../i18n.js';
import { href } from '../../router.js';
import { useSession } from '../../session.js';
import type { TopicDetail } from '../../types.js';
import { useLoad } from '../../use-load.js';
import { topics as table } from './topics.i18n.js';

function Route({ d }: { d: TopicDetail }) {
  const t = useT(table);
  return (
    <Table data-testid="topic-route">
      <Table.Thead>
        <Table.Tr>
          {[t.brokerName, t.addrs, t.queues, t.perm].map((h) => (
            <Table.Th key={h}>{h}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {d.route.brokerDatas.map((b) => {
          const q = d.route.queueDatas.find((x) => x.brokerName === b.brokerName);
          return (
            <Table.Tr key={b.brokerName}>
              <Table.Td>{b.brokerName}</Table.Td>
              <Table.Td>
                {Object.entries(b.brokerAddrs)
                  .map(([id, a]) => `${id}: ${a}`)
                  .join(', ')}
              </Table.Td>
              <Table.Td>
                {q === undefined ? '' : `${q.readQueueNums} / ${q.writeQueueNums}`}
              </Table.Td>
              <Table.Td>{q?.perm}</Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

function Queues({ d }: { d: TopicDetail }) {
  const t = useT(table);
  const locale = useLocale();
  return (
    <Table striped data-testid="topic-queues">
      <Table.Thead>
        <Table.Tr>
          {[t.brokerName, t.queueId, t.minOffset, t.maxOffset, t.lastUpdate].map((h) => (
            <Table.Th key={h}>{h}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {d.queues.map((q) => (
          <Table.Tr key={`${q.brokerName}/${q.queueId}`}>
            <Table.Td>{q.brokerName}</Table.Td>
            <Table.Td>{q.queueId}</Table.Td>
            <Table.Td>{q.minOffset}</Table.Td>
            <Table.Td>{q.maxOffset}</Table.Td>
            <Table.Td>
              {q.lastUpdateTimestamp > 0
                ? new Date(q.lastUpdateTimestamp).toLocaleString(locale)
                : ''}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function TopicDetailPage({ topic }: { topic: string }) {
  const t = useT(table);
  const c = useT(common);
  const { env } = useSession();
  const loaded = useLoad(
    () => call<TopicDetail>('GET', `topics/${encodeURIComponent(topic)}`, { query: { env } }),
    [env, topic],
  );
  return (
    <Stack>
      <Group>
        <Anchor href={href('topics')}>{t.back}</Anchor>
      </Group>
      <Title order={2}>{topic}</Title>
      <LoadState loaded={loaded}>
        {(d) => (
          <Stack>
            <Paper withBorder p="sm">
              <Title order={5}>{t.routeTitle}</Title>
              <Route d={d} />
            </Paper>
            <Paper withBorder p="sm">
              <Title order={5}>{t.queueStatus}</Title>
              <Queues d={d} />
            </Paper>
            <Paper withBorder p="sm">
              <Title order={5}>{t.groupsTitle}</Title>
              {d.groups.length === 0 ? (
                <Text c="dimmed">{c.none}</Text>
              ) : (
                <Group>
                  {d.groups.map((g) => (
                    <Anchor key={g} href={href('groups', g)}>
                      {g}
                    </Anchor>
                  ))}
                </Group>
              )}
            </Paper>
          </Stack>
        )}
      </LoadState>
    </Stack>
  );
}
