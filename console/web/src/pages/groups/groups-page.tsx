// Every consumer group with its online clients, TPS and total lag. A lag the brokers could not
// report is null and is shown as unknown: a 0 there would claim the group is caught up.
import { Anchor, Button, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { call } from '../../api.js';
import { common } from '../../components/common.i18n.js';
import { LoadState, Maybe } from '../../components/load-state.js';
import { WriteButton } from '../../components/write-button.js';
import { useT } from '../../i18n.js';
import { href } from '../../router.js';
import { useSession } from '../../session.js';
import type { GroupList, GroupRow } from '../../types.js';
import { useLoad } from '../../use-load.js';
import { GroupConfigDialog } from './group-config-dialog.js';
import { groups as table } from './groups.i18n.js';

function GroupTable({ rows }: { rows: GroupRow[] }) {
  const t = useT(table);
  const c = useT(common);
  if (rows.length === 0) return <Text c="dimmed">{t.none}</Text>;
  const heads = [
    t.group,
    t.onlineClients,
    t.consumeTps,
    t.diffTotal,
    t.messageModel,
    t.consumeType,
  ];
  return (
    <Table striped highlightOnHover data-testid="groups-table">
      <Table.Thead>
        <Table.Tr>
          {heads.map((h) => (
            <Table.Th key={h}>{h}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((g) => (
          <Table.Tr key={g.group} data-group={g.group}>
            <Table.Td>
              <Anchor href={href('groups', g.group)}>{g.group}</Anchor>
            </Table.Td>
            <Table.Td>
              <Maybe value={g.onlineClients} />
            </Table.Td>
            <Table.Td>{g.consumeTps.toFixed(1)}</Table.Td>
            <Table.Td data-testid="diff-total">
              <Maybe value={g.diffTotal} />
            </Table.Td>
            <Table.Td>{g.messageModel ?? c.unknown}</Table.Td>
            <Table.Td>{g.consumeType ?? c.unknown}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function GroupsPage() {
  const t = useT(table);
  const c = useT(common);
  const { env } = useSession();
  const [filter, setFilter] = useState('');
  const [creating, setCreating] = useState(false);
  const loaded = useLoad(() => call<GroupList>('GET', 'groups', { query: { env } }), [env]);
  const needle = filter.toLowerCase();
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t.title}</Title>
        <Group>
          <Button variant="default" size="xs" onClick={loaded.reload} data-testid="refresh">
            {c.refresh}
          </Button>
          <WriteButton size="xs" onClick={() => setCreating(true)} data-testid="create-group">
            {t.create}
          </WriteButton>
        </Group>
      </Group>
      <TextInput
        w={320}
        placeholder={t.search}
        aria-label={t.search}
        value={filter}
        onChange={(e) => setFilter(e.currentTarget.value)}
      />
      <LoadState loaded={loaded}>
        {(d) => (
          <GroupTable rows={d.groups.filter((g) => g.group.toLowerCase().includes(needle))} />
        )}
      </LoadState>
      <GroupConfigDialog
        opened={creating}
        onClose={() => setCreating(false)}
        onSaved={(g) => {
          setFilter(g);
          loaded.reload();
        }}
      />
    </Stack>
  );
}
