// Groups with dead letters and, for the one picked, its messages (see dlq-messages.tsx).
import { Anchor, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { call } from '../../api.js';
import { common } from '../../components/common.i18n.js';
import { LoadState } from '../../components/load-state.js';
import { fmt, useLocale, useT } from '../../i18n.js';
import { useSession } from '../../session.js';
import type { DlqGroup, DlqGroups } from '../../types.js';
import { useLoad } from '../../use-load.js';
import { MessageDrawer } from '../messages/message-detail.js';
import { dlq as table } from './dlq.i18n.js';
import { DlqMessages } from './dlq-messages.js';

function Groups(props: { groups: DlqGroup[]; onPick: (group: string) => void }) {
  const t = useT(table);
  const c = useT(common);
  const locale = useLocale();
  if (props.groups.length === 0) return <Text c="dimmed">{t.noGroups}</Text>;
  return (
    <Table striped highlightOnHover data-testid="dlq-groups">
      <Table.Thead>
        <Table.Tr>
          {[t.group, t.topic, t.count, t.last].map((h) => (
            <Table.Th key={h}>{h}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {props.groups.map((g) => (
          <Table.Tr key={g.group} data-group={g.group}>
            <Table.Td>
              <Anchor component="button" size="sm" onClick={() => props.onPick(g.group)}>
                {g.group}
              </Anchor>
            </Table.Td>
            <Table.Td>{g.topic}</Table.Td>
            <Table.Td data-testid="dlq-count">{g.count.toLocaleString()}</Table.Td>
            <Table.Td>
              {g.lastStoreTimestamp === null
                ? c.unknown
                : new Date(g.lastStoreTimestamp).toLocaleString(locale)}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function DlqPage() {
  const t = useT(table);
  const c = useT(common);
  const { env } = useSession();
  const loaded = useLoad(() => call<DlqGroups>('GET', 'dlq', { query: { env } }), [env]);
  const [group, setGroup] = useState<string>();
  const [open, setOpen] = useState<{ topic: string; id: string }>();
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t.title}</Title>
        <Button variant="default" size="xs" onClick={loaded.reload} data-testid="refresh">
          {c.refresh}
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t.intro}
      </Text>
      <LoadState loaded={loaded}>{(d) => <Groups groups={d.groups} onPick={setGroup} />}</LoadState>
      {group !== undefined && (
        <Paper withBorder p="sm">
          <Title order={5} mb="xs">
            {fmt(t.messagesOf, { group })}
          </Title>
          <DlqMessages
            key={`${env}/${group}`}
            group={group}
            onOpen={(m) => setOpen({ topic: m.topic, id: m.msgId })}
            onResent={loaded.reload}
          />
        </Paper>
      )}
      <MessageDrawer open={open} onClose={() => setOpen(undefined)} />
    </Stack>
  );
}
