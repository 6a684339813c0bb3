// One client's own account of its consumption (GET api/groups/:group/running-info, RocketMQ's
// GET_CONSUMER_RUNNING_INFO relayed by a broker): the queues it holds and its RT/TPS per topic.
// A client that never answers (ali-ons) comes back as the server's 502 line naming it.
import { Paper, Stack, Table, Title } from '@mantine/core';
import { call } from '../../api.js';
import { LoadState } from '../../components/load-state.js';
import { FormDialog } from '../../forms/form-dialog.js';
import { fmt, useLocale, useT } from '../../i18n.js';
import { useSession } from '../../session.js';
import type { RunningInfo } from '../../types.js';
import { useLoad } from '../../use-load.js';
import { groups as table } from './groups.i18n.js';

function Heads({ heads }: { heads: string[] }) {
  return (
    <Table.Thead>
      <Table.Tr>
        {heads.map((h) => (
          <Table.Th key={h}>{h}</Table.Th>
        ))}
      </Table.Tr>
    </Table.Thead>
  );
}

function Queues({ r }: { r: RunningInfo }) {
  const t = useT(table);
  const locale = useLocale();
  const when = (ms: number) => (ms > 0 ? new Date(ms).toLocaleTimeString(locale) : '');
  const heads = [t.topic, t.brokerName, t.queueId, t.commitOffset, t.cachedMsgCount, t.locked];
  return (
    <Table striped data-testid="running-queues">
      <Heads heads={[...heads, t.lastPull, t.lastConsume]} />
      <Table.Tbody>
        {r.queues.map((q) => (
          <Table.Tr key={`${q.topic}/${q.brokerName}/${q.queueId}`}>
            <Table.Td>{q.topic}</Table.Td>
            <Table.Td>{q.brokerName}</Table.Td>
            <Table.Td>{q.queueId}</Table.Td>
            <Table.Td>{q.commitOffset}</Table.Td>
            <Table.Td>{q.cachedMsgCount}</Table.Td>
            <Table.Td>{q.locked ? t.yes : t.no}</Table.Td>
            <Table.Td>{when(q.lastPullTimestamp)}</Table.Td>
            <Table.Td>{when(q.lastConsumeTimestamp)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Status({ r }: { r: RunningInfo }) {
  const t = useT(table);
  const heads = [t.topic, t.pullRT, t.pullTPS, t.consumeRT, t.consumeOKTPS];
  const n = (v: number) => v.toFixed(2);
  return (
    <Table data-testid="running-status">
      <Heads heads={[...heads, t.consumeFailedTPS, t.consumeFailedMsgs]} />
      <Table.Tbody>
        {r.status.map((s) => (
          <Table.Tr key={s.topic}>
            <Table.Td>{s.topic}</Table.Td>
            <Table.Td>{n(s.pullRT)}</Table.Td>
            <Table.Td>{n(s.pullTPS)}</Table.Td>
            <Table.Td>{n(s.consumeRT)}</Table.Td>
            <Table.Td>{n(s.consumeOKTPS)}</Table.Td>
            <Table.Td>{n(s.consumeFailedTPS)}</Table.Td>
            <Table.Td>{s.consumeFailedMsgs}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Info(props: { group: string; clientId: string }) {
  const t = useT(table);
  const { env } = useSession();
  const loaded = useLoad(
    () =>
      call<RunningInfo>('GET', `groups/${encodeURIComponent(props.group)}/running-info`, {
        query: { env, clientId: props.clientId },
      }),
    [env, props.group, props.clientId],
  );
  return (
    <LoadState loaded={loaded}>
      {(r) => (
        <Stack data-testid="running-info">
          <Paper withBorder p="sm">
            <Title order={6}>{t.subscriptions}</Title>
            <Table>
              <Heads heads={[t.topic, t.expression]} />
              <Table.Tbody>
                {r.subscriptions.map((s) => (
                  <Table.Tr key={s.topic}>
                    <Table.Td>{s.topic}</Table.Td>
                    <Table.Td>{s.expression}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
          <Paper withBorder p="sm">
            <Title order={6}>{t.queues}</Title>
            <Queues r={r} />
          </Paper>
          <Paper withBorder p="sm">
            <Title order={6}>{t.status}</Title>
            <Status r={r} />
          </Paper>
        </Stack>
      )}
    </LoadState>
  );
}

export function RunningInfoDialog(props: {
  group: string;
  clientId: string | undefined;
  onClose: () => void;
}) {
  const t = useT(table);
  return (
    <FormDialog
      opened={props.clientId !== undefined}
      onClose={props.onClose}
      title={fmt(t.runningTitle, { client: props.clientId ?? '' })}
      size="xl"
    >
      {props.clientId !== undefined && <Info group={props.group} clientId={props.clientId} />}
    </FormDialog>
  );
}
