// One group, queue by queue: where the broker is, where the group is, the lag in messages and
// in seconds, and which client holds the queue; then the group's connections, each with its
// running info. Its config, an offset reset and a backlog skip open from here.
import { Anchor, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { call } from '../../api.js';
import { common } from '../../components/common.i18n.js';
import { LoadState, Maybe } from '../../components/load-state.js';
import { WriteButton } from '../../components/write-button.js';
import { useLocale, useT } from '../../i18n.js';
import { href } from '../../router.js';
import { useSession } from '../../session.js';
import type { GroupDetail } from '../../types.js';
import { useLoad } from '../../use-load.js';
import { GroupConfigDialog } from './group-config-dialog.js';
import { groups as table } from './groups.i18n.js';
import { OffsetDialogs } from './offset-dialogs.js';
import { RunningInfoDialog } from './running-info.js';

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

function Connections({ d, onInfo }: { d: GroupDetail; onInfo: (clientId: string) => void }) {
  const t = useT(table);
  if (d.connections.length === 0) return <Text c="dimmed">{t.noConnections}</Text>;
  return (
    <Table data-testid="group-connections">
      <Table.Thead>
        <Table.Tr>
          {[t.clientId, t.clientAddr, t.language, t.version].map((h) => (
            <Table.Th key={h}>{h}</Table.Th>
          ))}
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {d.connections.map((x) => (
          <Table.Tr key={x.clientId}>
            <Table.Td>{x.clientId}</Table.Td>
            <Table.Td>{x.clientAddr}</Table.Td>
            <Table.Td>{x.language}</Table.Td>
            <Table.Td>{x.version}</Table.Td>
            <Table.Td>
              <Button
                size="xs"
                variant="subtle"
                onClick={() => onInfo(x.clientId)}
                data-testid="running-info-open"
              >
                {t.runningInfo}
              </Button>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Actions(props: { onAction: (a: 'config' | 'reset' | 'skip') => void }) {
  const t = useT(table);
  return (
    <Group>
      <WriteButton
        size="xs"
        variant="default"
        onClick={() => props.onAction('config')}
        data-testid="group-edit"
      >
        {t.editConfig}
      </WriteButton>
      <WriteButton
        size="xs"
        color="orange"
        onClick={() => props.onAction('reset')}
        data-testid="group-reset"
      >
        {t.reset}
      </WriteButton>
      <WriteButton
        size="xs"
        color="red"
        variant="light"
        onClick={() => props.onAction('skip')}
        data-testid="group-skip"
      >
        {t.skip}
      </WriteButton>
    </Group>
  );
}

export function GroupDetailPage({ group }: { group: string }) {
  const t = useT(table);
  const c = useT(common);
  const { env } = useSession();
  const [action, setAction] = useState<'config' | 'reset' | 'skip'>();
  const [client, setClient] = useState<string>();
  const loaded = useLoad(
    () => call<GroupDetail>('GET', `groups/${encodeURIComponent(group)}`, { query: { env } }),
    [env, group],
  );
  const topics = [...new Set(loaded.data?.queues.map((q) => q.topic) ?? [])]
    .filter((x) => !x.startsWith('%RETRY%'))
    .sort();
  return (
    <Stack>
      <Anchor href={href('groups')}>{t.back}</Anchor>
      <Group justify="space-between">
        <Title order={2}>{group}</Title>
        <Group>
          <Button variant="default" size="xs" onClick={loaded.reload} data-testid="refresh">
            {c.refresh}
          </Button>
          <Actions onAction={setAction} />
        </Group>
      </Group>
      <LoadState loaded={loaded}>
        {(d) => (
          <Stack>
            <Text>
              {`${t.diffTotal}: `}
              <span data-testid="group-diff-total">
                <Maybe value={d.diffTotal} />
              </span>
            </Text>
            <Paper withBorder p="sm">
              <Title order={5}>{t.queues}</Title>
              <QueueTable d={d} />
            </Paper>
            <Paper withBorder p="sm">
              <Title order={5}>{t.connections}</Title>
              <Connections d={d} onInfo={setClient} />
            </Paper>
          </Stack>
        )}
      </LoadState>
      <GroupConfigDialog
        opened={action === 'config'}
        group={group}
        onClose={() => setAction(undefined)}
        onSaved={loaded.reload}
      />
      <OffsetDialogs
        group={group}
        topics={topics}
        action={action === 'config' ? undefined : action}
        onClose={() => setAction(undefined)}
        onDone={loaded.reload}
      />
      <RunningInfoDialog group={group} clientId={client} onClose={() => setClient(undefined)} />
    </Stack>
  );
}
