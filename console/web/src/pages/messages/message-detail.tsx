// One message in a drawer: where it is stored, its properties, its body as text, JSON or hex,
// and how each subscribed group stands with it, with a resend to one group (the broker hands
// it straight to a client of that group, CONSUME_MESSAGE_DIRECTLY).
import { Badge, Code, Drawer, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { ApiError, call } from '../../api.js';
import { common } from '../../components/common.i18n.js';
import { LoadState } from '../../components/load-state.js';
import { WriteButton } from '../../components/write-button.js';
import { fmt, useLocale, useT } from '../../i18n.js';
import { useSession } from '../../session.js';
import type { ConsumeStatus, MessageDetail, ResendResult } from '../../types.js';
import { useLoad } from '../../use-load.js';
import { BODY_VIEWS, type BodyView, bodyAs, defaultView } from './body-view.js';
import { messages as table } from './messages.i18n.js';

const STATUS_COLOR: Record<ConsumeStatus, string> = {
  CONSUMED: 'teal',
  NOT_CONSUMED: 'orange',
  CONSUMED_BUT_FILTERED: 'gray',
  NOT_ONLINE: 'red',
  UNKNOWN: 'gray',
};

type Msg = MessageDetail['message'];

function Facts({ m }: { m: Msg }) {
  const t = useT(table);
  const locale = useLocale();
  const rows: [string, string][] = [
    [t.topic, m.topic],
    [t.offsetMsgId, m.offsetMsgId],
    [t.tags, m.tags ?? ''],
    [t.keys, m.keys ?? ''],
    [t.queue, `${m.brokerName} / ${m.queueId} / ${m.queueOffset}`],
    [t.storeTime, new Date(m.storeTimestamp).toLocaleString(locale)],
    [t.bornTime, new Date(m.bornTimestamp).toLocaleString(locale)],
    [t.bornHost, m.bornHost],
    [t.storeHost, m.storeHost],
    [t.reconsumeTimes, String(m.reconsumeTimes)],
    [t.size, `${m.bodySize.toLocaleString()} B`],
  ];
  return (
    <Table data-testid="msg-facts">
      <Table.Tbody>
        {rows.map(([k, v]) => (
          <Table.Tr key={k}>
            <Table.Td w={200}>{k}</Table.Td>
            <Table.Td>{v}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Properties({ m }: { m: Msg }) {
  const t = useT(table);
  return (
    <Table striped data-testid="msg-properties">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t.property}</Table.Th>
          <Table.Th>{t.value}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {Object.entries(m.properties).map(([k, v]) => (
          <Table.Tr key={k} data-property={k}>
            <Table.Td ff="monospace">{k}</Table.Td>
            <Table.Td ff="monospace">{v}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Body({ m }: { m: Msg }) {
  const t = useT(table);
  const [view, setView] = useState<BodyView>(() => defaultView(m));
  const shown = bodyAs(view, m);
  return (
    <Stack gap="xs">
      <SegmentedControl
        size="xs"
        data-testid="body-view"
        value={view}
        onChange={(v) => setView(v as BodyView)}
        data={BODY_VIEWS.map((v) => ({ value: v, label: t[v] }))}
      />
      {shown === null ? (
        <Text c="dimmed">{t.notText}</Text>
      ) : (
        <Code block data-testid="msg-body" data-view={view}>
          {shown}
        </Code>
      )}
    </Stack>
  );
}

function Resend(props: { m: Msg; group: string }) {
  const t = useT(table);
  const [answer, setAnswer] = useState<{ ok: boolean; line: string }>();
  const resend = () => {
    const body = { topic: props.m.topic, id: props.m.msgId, group: props.group };
    call<ResendResult>('POST', 'messages/resend', { body }).then(
      (r) => {
        const line = fmt(t.resendResult, {
          result: r.result.consumeResult,
          remark: r.result.remark ?? '',
        });
        setAnswer({ ok: r.ok, line });
      },
      (e: unknown) => setAnswer({ ok: false, line: e instanceof ApiError ? e.message : String(e) }),
    );
  };
  return (
    <Stack gap={4}>
      <WriteButton size="xs" variant="light" onClick={resend} data-testid={`resend-${props.group}`}>
        {t.resend}
      </WriteButton>
      {answer !== undefined && (
        <Text size="xs" c={answer.ok ? 'teal' : 'red'} data-testid="resend-result">
          {answer.line}
        </Text>
      )}
    </Stack>
  );
}

function ConsumeStatusTable({ d }: { d: MessageDetail }) {
  const t = useT(table);
  if (d.consumeStatus.length === 0) return <Text c="dimmed">{t.noGroups}</Text>;
  return (
    <Table data-testid="consume-status">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t.group}</Table.Th>
          <Table.Th>{t.status}</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {d.consumeStatus.map((s) => (
          <Table.Tr key={s.group} data-group={s.group}>
            <Table.Td>{s.group}</Table.Td>
            <Table.Td>
              <Badge variant="light" color={STATUS_COLOR[s.status]}>
                {t[s.status]}
              </Badge>
            </Table.Td>
            <Table.Td>
              <Resend m={d.message} group={s.group} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Detail(props: { topic: string; id: string }) {
  const t = useT(table);
  const { env } = useSession();
  const loaded = useLoad(
    () =>
      call<MessageDetail>('GET', 'messages/detail', {
        query: { env, topic: props.topic, id: props.id },
      }),
    [env, props.topic, props.id],
  );
  return (
    <LoadState loaded={loaded}>
      {(d) => (
        <Stack data-testid="message-detail">
          <Facts m={d.message} />
          <Title order={5}>{t.properties}</Title>
          <Properties m={d.message} />
          <Title order={5}>{t.body}</Title>
          <Body m={d.message} />
          <Title order={5}>{t.consumeStatus}</Title>
          <ConsumeStatusTable d={d} />
        </Stack>
      )}
    </LoadState>
  );
}

export function MessageDrawer(props: {
  open: { topic: string; id: string } | undefined;
  onClose: () => void;
}) {
  const t = useT(table);
  const c = useT(common);
  const { open } = props;
  return (
    <Drawer
      opened={open !== undefined}
      onClose={props.onClose}
      position="right"
      size="xl"
      title={fmt(t.detailTitle, { id: open?.id ?? '' })}
      closeButtonProps={{ 'aria-label': c.close }}
    >
      {open !== undefined && <Detail key={`${open.topic}/${open.id}`} {...open} />}
    </Drawer>
  );
}
