// A page of message summaries; a click on a row opens its detail. Shared by the messages and
// dead-letter pages, which add their own first column (a checkbox) through `lead`.
import { Anchor, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useLocale, useT } from '../../i18n.js';
import type { MessageSummary } from '../../types.js';
import { messages as table } from './messages.i18n.js';

interface Props<M extends MessageSummary> {
  rows: M[];
  onOpen: (m: M) => void;
  lead?: { head: ReactNode; cell: (m: M) => ReactNode };
  extra?: { head: string; cell: (m: M) => ReactNode };
  testid?: string;
}

export function MessageTable<M extends MessageSummary>(props: Props<M>) {
  const t = useT(table);
  const locale = useLocale();
  if (props.rows.length === 0) return <Text c="dimmed">{t.noMessages}</Text>;
  const heads = [t.msgId, t.tags, t.keys, t.queue, t.storeTime, t.size];
  return (
    <Table striped highlightOnHover data-testid={props.testid ?? 'messages-table'}>
      <Table.Thead>
        <Table.Tr>
          {props.lead !== undefined && <Table.Th>{props.lead.head}</Table.Th>}
          {heads.map((h) => (
            <Table.Th key={h}>{h}</Table.Th>
          ))}
          {props.extra !== undefined && <Table.Th>{props.extra.head}</Table.Th>}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {props.rows.map((m) => (
          <Table.Tr key={`${m.offsetMsgId}/${m.msgId}`} data-msgid={m.msgId}>
            {props.lead !== undefined && <Table.Td>{props.lead.cell(m)}</Table.Td>}
            <Table.Td>
              <Anchor component="button" size="sm" ff="monospace" onClick={() => props.onOpen(m)}>
                {m.msgId}
              </Anchor>
            </Table.Td>
            <Table.Td>{m.tags ?? ''}</Table.Td>
            <Table.Td>{m.keys ?? ''}</Table.Td>
            <Table.Td>{`${m.brokerName} / ${m.queueId} / ${m.queueOffset}`}</Table.Td>
            <Table.Td>{new Date(m.storeTimestamp).toLocaleString(locale)}</Table.Td>
            <Table.Td>{`${m.bodySize.toLocaleString()} B`}</Table.Td>
            {props.extra !== undefined && <Table.Td>{props.extra.cell(m)}</Table.Td>}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
