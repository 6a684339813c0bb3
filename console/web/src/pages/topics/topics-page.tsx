// Every topic of the environment, filtered by the server (substring and kinds) and here by
// message type, with create, edit, a test message and delete. Kinds default to normal topics:
// retry, DLQ and system topics are one click away.
import {
  Anchor,
  Button,
  Chip,
  Group,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { call } from '../../api.js';
import { common } from '../../components/common.i18n.js';
import { LoadState } from '../../components/load-state.js';
import { WriteButton } from '../../components/write-button.js';
import { fmt, useT } from '../../i18n.js';
import { href } from '../../router.js';
import { useSession } from '../../session.js';
import { TOPIC_KINDS, type TopicKind, type TopicList, type TopicRow } from '../../types.js';
import { useLoad } from '../../use-load.js';
import { CreateTopicDialog } from './create-topic-dialog.js';
import { DeleteTopicDialog } from './delete-topic-dialog.js';
import { SendMessageDialog } from './send-message-dialog.js';
import { topics as table } from './topics.i18n.js';

const SEARCH_DEBOUNCE_MS = 250;

interface RowActions {
  onEdit: (row: TopicRow) => void;
  onSend: (topic: string) => void;
  onDelete: (topic: string) => void;
}

function TopicTable(props: { rows: TopicRow[] } & RowActions) {
  const t = useT(table);
  if (props.rows.length === 0) return <Text c="dimmed">{t.none}</Text>;
  return (
    <Stack gap="xs">
      <Text size="sm" c="dimmed">
        {fmt(t.count, { n: props.rows.length })}
      </Text>
      <Table striped highlightOnHover data-testid="topics-table">
        <Table.Thead>
          <Table.Tr>
            {[t.topic, t.kind, t.messageType, t.perm, t.queues, t.order, t.brokers].map((h) => (
              <Table.Th key={h}>{h}</Table.Th>
            ))}
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.rows.map((r) => (
            <Table.Tr key={r.topic} data-topic={r.topic}>
              <Table.Td>
                <Anchor href={href('topics', r.topic)}>{r.topic}</Anchor>
              </Table.Td>
              <Table.Td>{t[r.kind]}</Table.Td>
              <Table.Td>{r.messageType}</Table.Td>
              <Table.Td>{r.perm}</Table.Td>
              <Table.Td>{`${r.readQueueNums} / ${r.writeQueueNums}`}</Table.Td>
              <Table.Td>{r.order ? t.yes : t.no}</Table.Td>
              <Table.Td>{r.brokers.join(', ')}</Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  <WriteButton
                    size="xs"
                    variant="subtle"
                    onClick={() => props.onEdit(r)}
                    data-testid="topic-edit"
                  >
                    {t.edit}
                  </WriteButton>
                  <WriteButton
                    size="xs"
                    variant="subtle"
                    onClick={() => props.onSend(r.topic)}
                    data-testid="topic-send"
                  >
                    {t.send}
                  </WriteButton>
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    onClick={() => props.onDelete(r.topic)}
                  >
                    {t.delete}
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

export function TopicsPage() {
  const t = useT(table);
  const c = useT(common);
  const { env } = useSession();
  const [q, setQ] = useState('');
  const [query] = useDebouncedValue(q, SEARCH_DEBOUNCE_MS);
  const [kinds, setKinds] = useState<string[]>(['normal']);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<string>();
  const [editing, setEditing] = useState<TopicRow>();
  const [sending, setSending] = useState<string>();
  const [messageType, setMessageType] = useState<string | null>(null);
  const loaded = useLoad(
    () =>
      call<TopicList>('GET', 'topics', {
        query: { env, q: query === '' ? undefined : query, kind: kinds },
      }),
    [env, query, kinds.join(',')],
  );
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t.title}</Title>
        <Group>
          <Button variant="default" size="xs" onClick={loaded.reload} data-testid="refresh">
            {c.refresh}
          </Button>
          <WriteButton size="xs" onClick={() => setCreating(true)} data-testid="create-topic">
            {t.create}
          </WriteButton>
        </Group>
      </Group>
      <Group>
        <TextInput
          w={320}
          placeholder={t.search}
          aria-label={t.search}
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          data-testid="topic-search"
        />
        <Chip.Group multiple value={kinds} onChange={setKinds}>
          <Group gap="xs" aria-label={t.kinds}>
            {TOPIC_KINDS.map((k: TopicKind) => (
              <Chip key={k} value={k} size="xs">
                {t[k]}
              </Chip>
            ))}
          </Group>
        </Chip.Group>
        <Select
          w={200}
          size="xs"
          aria-label={t.typeFilter}
          placeholder={t.allTypes}
          clearable
          value={messageType}
          onChange={setMessageType}
          data={[...new Set(loaded.data?.topics.map((r) => r.messageType) ?? [])].sort()}
          data-testid="type-filter"
        />
      </Group>
      <LoadState loaded={loaded}>
        {(d) => (
          <TopicTable
            rows={d.topics.filter((r) => messageType === null || r.messageType === messageType)}
            onEdit={setEditing}
            onSend={setSending}
            onDelete={setDeleting}
          />
        )}
      </LoadState>
      <CreateTopicDialog
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(topic) => {
          setCreating(false);
          setQ(topic);
          loaded.reload();
        }}
      />
      <CreateTopicDialog
        opened={editing !== undefined}
        {...(editing ? { existing: editing } : {})}
        onClose={() => setEditing(undefined)}
        onCreated={() => {
          setEditing(undefined);
          loaded.reload();
        }}
      />
      <SendMessageDialog topic={sending} onClose={() => setSending(undefined)} />
      <DeleteTopicDialog
        topic={deleting}
        onClose={() => setDeleting(undefined)}
        onDeleted={() => {
          setDeleting(undefined);
          loaded.reload();
        }}
      />
    </Stack>
  );
}
