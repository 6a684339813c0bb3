// Message query: by topic over a bounded time range (paged, newest first, with how many of the
// topic's queues the bounded scan reached), by key, or by one ID; any row opens its detail.
import { Alert, Group, Pagination, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { call } from '../../api.js';
import { LoadState } from '../../components/load-state.js';
import { fmt, useT } from '../../i18n.js';
import { useSession } from '../../session.js';
import type { MessageList, MessagePage, MessageSummary } from '../../types.js';
import { useLoad } from '../../use-load.js';
import { MessageDrawer } from './message-detail.js';
import { MessageTable } from './message-table.js';
import { messages as table } from './messages.i18n.js';
import { type Search, SearchForm } from './search-form.js';

const PAGE_SIZE = 20;

function ByTopic(props: {
  s: Extract<Search, { mode: 'topic' }>;
  onOpen: (m: MessageSummary) => void;
}) {
  const t = useT(table);
  const { env } = useSession();
  const [page, setPage] = useState(1);
  const { topic, range } = props.s;
  const loaded = useLoad(
    () =>
      call<MessagePage>('GET', 'messages', {
        query: {
          env,
          topic,
          begin: String(range.begin),
          end: String(range.end),
          page: String(page),
          pageSize: String(PAGE_SIZE),
        },
      }),
    [env, topic, range.begin, range.end, page],
  );
  return (
    <LoadState loaded={loaded}>
      {(d) => (
        <Stack gap="xs">
          <Group>
            <Text size="sm" data-testid="scanned">
              {fmt(t.scanned, { n: d.scannedQueues, m: d.totalQueues })}
            </Text>
            <Text size="sm" c="dimmed" data-testid="msg-total">
              {fmt(t.total, { n: d.total.toLocaleString() })}
            </Text>
          </Group>
          {d.truncated && (
            <Alert color="yellow" data-testid="truncated">
              {t.truncated}
            </Alert>
          )}
          <MessageTable rows={d.messages} onOpen={props.onOpen} />
          {d.total > d.pageSize && (
            <Pagination
              value={d.page}
              onChange={setPage}
              total={Math.ceil(d.total / d.pageSize)}
              data-testid="msg-pages"
            />
          )}
        </Stack>
      )}
    </LoadState>
  );
}

function ByKey(props: {
  s: Extract<Search, { mode: 'key' }>;
  onOpen: (m: MessageSummary) => void;
}) {
  const { env } = useSession();
  const { topic, key } = props.s;
  const loaded = useLoad(
    () =>
      call<MessageList>('GET', 'messages/by-key', {
        query: { env, topic, key },
      }),
    [env, topic, key],
  );
  return (
    <LoadState loaded={loaded}>
      {(d) => <MessageTable rows={d.messages} onOpen={props.onOpen} />}
    </LoadState>
  );
}

export function MessagesPage() {
  const t = useT(table);
  const [search, setSearch] = useState<Search>();
  const [open, setOpen] = useState<{ topic: string; id: string }>();
  const onOpen = (m: MessageSummary) => setOpen({ topic: m.topic, id: m.msgId });
  const onSearch = (s: Search) => {
    setSearch(s);
    if (s.mode === 'id') setOpen({ topic: s.topic, id: s.id });
  };
  return (
    <Stack>
      <Title order={2}>{t.title}</Title>
      <SearchForm onSearch={onSearch} />
      {search?.mode === 'topic' && (
        <ByTopic key={`${search.topic}/${search.range.begin}`} s={search} onOpen={onOpen} />
      )}
      {search?.mode === 'key' && <ByKey s={search} onOpen={onOpen} />}
      <MessageDrawer open={open} onClose={() => setOpen(undefined)} />
    </Stack>
  );
}
