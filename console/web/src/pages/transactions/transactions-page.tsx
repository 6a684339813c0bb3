// Half messages still waiting for their producer's decision, and those the broker gave up
// checking back; each can be committed or rolled back by hand.
import { Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { call } from '../../api.js';
import { common } from '../../components/common.i18n.js';
import { LoadState } from '../../components/load-state.js';
import { WriteButton } from '../../components/write-button.js';
import { useLocale, useT } from '../../i18n.js';
import { useSession } from '../../session.js';
import type { HalfMessage, Transactions } from '../../types.js';
import { useLoad } from '../../use-load.js';
import { type Action, ResolveDialog } from './resolve-dialog.js';
import { transactions as table } from './transactions.i18n.js';

type Row = HalfMessage & { discardedAt?: number | null };

function Halves(props: {
  rows: Row[];
  discarded: boolean;
  onPick: (half: HalfMessage, action: Action) => void;
}) {
  const t = useT(table);
  const c = useT(common);
  const locale = useLocale();
  const when = (ms: number | null | undefined) =>
    ms === null || ms === undefined ? c.unknown : new Date(ms).toLocaleString(locale);
  if (props.rows.length === 0) {
    return <Text c="dimmed">{props.discarded ? t.noDiscarded : t.noPending}</Text>;
  }
  const heads = [t.broker, t.msgId, t.topic, t.producerGroup, t.transactionId, t.stored];
  return (
    <Table striped data-testid={props.discarded ? 'tx-discarded' : 'tx-pending'}>
      <Table.Thead>
        <Table.Tr>
          {[...heads, t.checkTimes].map((h) => (
            <Table.Th key={h}>{h}</Table.Th>
          ))}
          {props.discarded && <Table.Th>{t.discardedAt}</Table.Th>}
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {props.rows.map((h) => (
          <Table.Tr key={`${h.brokerName}/${h.msgId}`} data-msgid={h.msgId} data-topic={h.topic}>
            <Table.Td>{h.brokerName}</Table.Td>
            {/* 32-hex ids may break anywhere, so the actions column stays on screen at 1280 px. */}
            <Table.Td ff="monospace" style={{ wordBreak: 'break-all' }}>
              {h.msgId}
            </Table.Td>
            <Table.Td>{h.topic}</Table.Td>
            <Table.Td>{h.producerGroup}</Table.Td>
            <Table.Td ff="monospace" style={{ wordBreak: 'break-all' }}>
              {h.transactionId ?? c.unknown}
            </Table.Td>
            <Table.Td>{when(h.storeTimestamp)}</Table.Td>
            <Table.Td>{h.checkTimes}</Table.Td>
            {props.discarded && <Table.Td>{when(h.discardedAt)}</Table.Td>}
            <Table.Td>
              <Group gap="xs" wrap="nowrap">
                <WriteButton
                  size="xs"
                  variant="light"
                  onClick={() => props.onPick(h, 'commit')}
                  data-testid="tx-commit"
                >
                  {t.commit}
                </WriteButton>
                <WriteButton
                  size="xs"
                  variant="light"
                  color="red"
                  onClick={() => props.onPick(h, 'rollback')}
                  data-testid="tx-rollback"
                >
                  {t.rollback}
                </WriteButton>
              </Group>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function TransactionsPage() {
  const t = useT(table);
  const c = useT(common);
  const { env } = useSession();
  const loaded = useLoad(
    () => call<Transactions>('GET', 'transactions', { query: { env } }),
    [env],
  );
  const [pick, setPick] = useState<{ half: HalfMessage; action: Action }>();
  const onPick = (half: HalfMessage, action: Action) => setPick({ half, action });
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t.title}</Title>
        <Button variant="default" size="xs" onClick={loaded.reload} data-testid="refresh">
          {c.refresh}
        </Button>
      </Group>
      <LoadState loaded={loaded}>
        {(d) => (
          <Stack>
            <Paper withBorder p="sm">
              <Title order={5} mb="xs">
                {t.pending}
              </Title>
              <Halves rows={d.pending} discarded={false} onPick={onPick} />
            </Paper>
            <Paper withBorder p="sm">
              <Title order={5}>{t.discarded}</Title>
              <Text size="xs" c="dimmed" mb="xs">
                {t.discardedIntro}
              </Text>
              <Halves rows={d.discarded} discarded onPick={onPick} />
            </Paper>
          </Stack>
        )}
      </LoadState>
      <ResolveDialog
        pick={pick}
        onClose={() => setPick(undefined)}
        onDone={() => {
          setPick(undefined);
          loaded.reload();
        }}
      />
    </Stack>
  );
}
