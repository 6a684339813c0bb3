// One group's dead letters, a page at a time, with resend of the selected ones or of all of
// them to each message's original topic, and an export of the whole DLQ as JSON lines.
import { Alert, Anchor, Checkbox, Group, List, Pagination, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { ApiError, call, urlFor } from '../../api.js';
import { common } from '../../components/common.i18n.js';
import { LoadState } from '../../components/load-state.js';
import { WriteButton } from '../../components/write-button.js';
import { fmt, useT } from '../../i18n.js';
import { useSession } from '../../session.js';
import type { DlqMessage, DlqPage } from '../../types.js';
import { useLoad } from '../../use-load.js';
import { MessageTable } from '../messages/message-table.js';
import { dlq as table } from './dlq.i18n.js';

const PAGE_SIZE = 20;

interface ResendAnswer {
  resent: number;
  failed: { id: string; error: string }[];
}

function Outcome({ answer }: { answer: ResendAnswer | string }) {
  const t = useT(table);
  if (typeof answer === 'string') return <Alert color="red">{answer}</Alert>;
  return (
    <Alert color={answer.failed.length === 0 ? 'teal' : 'yellow'} data-testid="resend-outcome">
      <Text size="sm">{fmt(t.resent, { n: answer.resent })}</Text>
      <List size="sm">
        {answer.failed.map((f) => (
          <List.Item key={f.id}>{fmt(t.failedOne, f)}</List.Item>
        ))}
      </List>
    </Alert>
  );
}

export function DlqMessages(props: {
  group: string;
  onOpen: (m: DlqMessage) => void;
  onResent: () => void;
}) {
  const t = useT(table);
  const c = useT(common);
  const { env } = useSession();
  const { group } = props;
  const [page, setPage] = useState(1);
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [answer, setAnswer] = useState<ResendAnswer | string>();
  const loaded = useLoad(
    () =>
      call<DlqPage>('GET', 'dlq/messages', {
        query: { env, group, page: String(page), pageSize: String(PAGE_SIZE) },
      }),
    [env, group, page],
  );
  const resend = (body: { group: string; ids: string[] } | { group: string; all: true }) => {
    call<ResendAnswer>('POST', 'dlq/resend', { body }).then(
      (a) => {
        setAnswer(a);
        setPicked(new Set());
        loaded.reload();
        props.onResent();
      },
      (e: unknown) => setAnswer(e instanceof ApiError ? e.message : String(e)),
    );
  };
  const toggle = (id: string) => {
    const next = new Set(picked);
    if (!next.delete(id)) next.add(id);
    setPicked(next);
  };
  return (
    <LoadState loaded={loaded}>
      {(d) => (
        <Stack gap="xs" data-testid="dlq-messages">
          <Group>
            <WriteButton
              size="xs"
              disabled={picked.size === 0}
              onClick={() => resend({ group, ids: [...picked] })}
              data-testid="dlq-resend-selected"
            >
              {fmt(t.resendSelected, { n: picked.size })}
            </WriteButton>
            <WriteButton
              size="xs"
              variant="light"
              disabled={d.total === 0}
              onClick={() => resend({ group, all: true })}
              data-testid="dlq-resend-all"
            >
              {t.resendAll}
            </WriteButton>
            <Anchor
              size="sm"
              href={urlFor('dlq/export', { env, group }).href}
              download
              data-testid="dlq-export"
            >
              {t.export}
            </Anchor>
          </Group>
          {answer !== undefined && <Outcome answer={answer} />}
          <MessageTable
            testid="dlq-table"
            rows={d.messages}
            onOpen={props.onOpen}
            lead={{
              head: (
                <Checkbox
                  aria-label={t.selectAll}
                  checked={d.messages.length > 0 && d.messages.every((m) => picked.has(m.msgId))}
                  onChange={(e) =>
                    setPicked(
                      new Set(e.currentTarget.checked ? d.messages.map((m) => m.msgId) : []),
                    )
                  }
                />
              ),
              cell: (m) => (
                <Checkbox
                  aria-label={t.select}
                  checked={picked.has(m.msgId)}
                  onChange={() => toggle(m.msgId)}
                />
              ),
            }}
            extra={{ head: t.originTopic, cell: (m) => m.originTopic ?? c.unknown }}
          />
          {d.total > d.pageSize && (
            <Pagination value={d.page} onChange={setPage} total={Math.ceil(d.total / d.pageSize)} />
          )}
        </Stack>
      )}
    </LoadState>
  );
}
