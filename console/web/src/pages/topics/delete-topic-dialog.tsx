// Deleting a topic is shown as what it would remove (brokers, queues, messages, groups with
// offsets) before the button that does it: the preview comes from the server, not a guess.
import { Alert, Group, List, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { ApiError, call } from '../../api.js';
import { common } from '../../components/common.i18n.js';
import { LoadState } from '../../components/load-state.js';
import { WriteButton } from '../../components/write-button.js';
import { FormDialog } from '../../forms/form-dialog.js';
import { fmt, useT } from '../../i18n.js';
import { useSession } from '../../session.js';
import type { DeletePreview } from '../../types.js';
import { useLoad } from '../../use-load.js';
import { topics as table } from './topics.i18n.js';

function Preview(props: { topic: string; onDeleted: () => void }) {
  const t = useT(table);
  const c = useT(common);
  const { env } = useSession();
  const path = `topics/${encodeURIComponent(props.topic)}`;
  const loaded = useLoad(
    () => call<DeletePreview>('GET', `${path}/delete-preview`, { query: { env } }),
    [env, path],
  );
  const [error, setError] = useState<string>();
  const remove = () => {
    call('DELETE', path, { query: { env } }).then(props.onDeleted, (e: unknown) =>
      setError(e instanceof ApiError ? e.message : String(e)),
    );
  };
  return (
    <LoadState loaded={loaded}>
      {(p) => (
        <Stack data-testid="delete-preview">
          <Text size="sm">{t.previewIntro}</Text>
          <List size="sm">
            {p.brokers.map((b) => (
              <List.Item key={b}>{b}</List.Item>
            ))}
          </List>
          <Table>
            <Table.Tbody>
              <Table.Tr>
                <Table.Td>{t.previewQueues}</Table.Td>
                <Table.Td data-testid="preview-queues">{p.queues}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Td>{t.previewMessages}</Table.Td>
                <Table.Td data-testid="preview-messages">{p.messages.toLocaleString()}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Td>{t.previewGroups}</Table.Td>
                <Table.Td>{p.groups.length === 0 ? c.none : p.groups.join(', ')}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
          {error !== undefined && <Alert color="red">{error}</Alert>}
          <Group justify="flex-end">
            <WriteButton color="red" onClick={remove} data-testid="confirm-delete">
              {t.confirmDelete}
            </WriteButton>
          </Group>
        </Stack>
      )}
    </LoadState>
  );
}

export function DeleteTopicDialog(props: {
  topic: string | undefined;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const t = useT(table);
  return (
    <FormDialog
      opened={props.topic !== undefined}
      onClose={props.onClose}
      title={fmt(t.deleteTitle, { topic: props.topic ?? '' })}
    >
      {props.topic !== undefined && <Preview topic={props.topic} onDeleted={props.onDeleted} />}
    </FormDialog>
  );
}
