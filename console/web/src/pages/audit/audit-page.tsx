// Every write made through the console, refused ones too, newest first (api/audit).
import { Badge, Button, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import { call } from '../../api.js';
import { common } from '../../components/common.i18n.js';
import { LoadState } from '../../components/load-state.js';
import { defineTable, useLocale, useT } from '../../i18n.js';
import type { AuditEntries, AuditEntry } from '../../types.js';
import { useLoad } from '../../use-load.js';

const AUDIT_PAGE_LIMIT = 200;

const table = defineTable(
  {
    title: 'Audit log',
    at: 'Time',
    user: 'User',
    addr: 'Address',
    action: 'Action',
    target: 'Target',
    params: 'Parameters',
    result: 'Result',
    ok: 'done',
    refused: 'refused',
    empty: 'Nothing has been changed through the console yet.',
  },
  {
    title: '审计日志',
    at: '时间',
    user: '用户',
    addr: '地址',
    action: '操作',
    target: '对象',
    params: '参数',
    result: '结果',
    ok: '成功',
    refused: '被拒绝',
    empty: '尚未通过控制台做过任何修改。',
  },
);

function Entries({ entries }: { entries: AuditEntry[] }) {
  const t = useT(table);
  const locale = useLocale();
  if (entries.length === 0) return <Text c="dimmed">{t.empty}</Text>;
  return (
    <Table striped data-testid="audit-table">
      <Table.Thead>
        <Table.Tr>
          {[t.at, t.user, t.addr, t.action, t.target, t.params, t.result].map((h) => (
            <Table.Th key={h}>{h}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {entries.map((e) => (
          <Table.Tr key={`${e.at} ${e.user} ${e.action} ${e.target}`}>
            <Table.Td>{new Date(e.at).toLocaleString(locale)}</Table.Td>
            <Table.Td>{e.user}</Table.Td>
            <Table.Td>{e.addr ?? ''}</Table.Td>
            <Table.Td>{e.action}</Table.Td>
            <Table.Td>{e.target}</Table.Td>
            <Table.Td>
              <Code>{JSON.stringify(e.params)}</Code>
            </Table.Td>
            <Table.Td>
              <Badge color={e.ok ? 'teal' : 'red'} variant="light">
                {e.ok ? t.ok : t.refused}
              </Badge>
              {e.error !== undefined && <Text size="xs">{e.error}</Text>}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function AuditPage() {
  const t = useT(table);
  const c = useT(common);
  const loaded = useLoad(
    () =>
      call<AuditEntries>('GET', 'audit', {
        query: { limit: String(AUDIT_PAGE_LIMIT) },
      }),
    [],
  );
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t.title}</Title>
        <Button variant="default" size="xs" onClick={loaded.reload}>
          {c.refresh}
        </Button>
      </Group>
      <LoadState loaded={loaded}>{(d) => <Entries entries={d.entries} />}</LoadState>
    </Stack>
  );
}
