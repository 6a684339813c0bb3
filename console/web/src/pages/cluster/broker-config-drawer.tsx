// One broker's config. Keys the broker applies live (liveKeys) are editable for admins; the
// rest are shown read-only because changing them needs a restart, which the server refuses.
import { Alert, Badge, Drawer, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { ApiError, call } from '../../api.js';
import { common } from '../../components/common.i18n.js';
import { LoadState } from '../../components/load-state.js';
import { WriteButton } from '../../components/write-button.js';
import { fmt, useT } from '../../i18n.js';
import { useIsAdmin, useSession } from '../../session.js';
import type { BrokerConfig } from '../../types.js';
import { useLoad } from '../../use-load.js';
import { cluster as table } from './cluster.i18n.js';

function ConfigTable(props: { addr: string; cfg: BrokerConfig; onSaved: () => void }) {
  const t = useT(table);
  const admin = useIsAdmin();
  const { env } = useSession();
  const [filter, setFilter] = useState('');
  const [changes, setChanges] = useState<Record<string, string>>({});
  const [result, setResult] = useState<{ ok: boolean; text: string }>();
  const live = new Set(props.cfg.liveKeys);
  const keys = Object.keys(props.cfg.config)
    .filter((k) => k.toLowerCase().includes(filter.toLowerCase()))
    .sort();
  const save = () => {
    if (Object.keys(changes).length === 0) {
      setResult({ ok: true, text: t.nothingChanged });
      return;
    }
    call('PUT', 'brokers/config', { query: { env }, body: { addr: props.addr, changes } }).then(
      () => {
        setChanges({});
        setResult({ ok: true, text: t.saved });
        props.onSaved();
      },
      (e: unknown) => setResult({ ok: false, text: e instanceof ApiError ? e.message : String(e) }),
    );
  };
  return (
    <Stack>
      <Group justify="space-between">
        <TextInput
          placeholder={t.filter}
          value={filter}
          onChange={(e) => setFilter(e.currentTarget.value)}
        />
        <WriteButton onClick={save} data-testid="save-config">
          {t.save}
        </WriteButton>
      </Group>
      {result !== undefined && (
        <Alert color={result.ok ? 'teal' : 'red'} data-testid="config-result">
          {result.text}
        </Alert>
      )}
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t.key}</Table.Th>
            <Table.Th>{t.value}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {keys.map((k) => (
            <Table.Tr key={k}>
              <Table.Td>
                <Text size="sm">{k}</Text>
                {live.has(k) && (
                  <Badge size="xs" variant="light" title={t.live}>
                    {t.liveBadge}
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>
                {admin && live.has(k) ? (
                  <TextInput
                    size="xs"
                    aria-label={k}
                    value={changes[k] ?? props.cfg.config[k] ?? ''}
                    onChange={(e) => {
                      const v = e.currentTarget.value;
                      setChanges((c) => ({ ...c, [k]: v }));
                    }}
                  />
                ) : (
                  <Text size="sm">{props.cfg.config[k]}</Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function ConfigBody({ addr }: { addr: string }) {
  const { env } = useSession();
  const loaded = useLoad(
    () => call<BrokerConfig>('GET', 'brokers/config', { query: { env, addr } }),
    [env, addr],
  );
  return (
    <LoadState loaded={loaded}>
      {(cfg) => <ConfigTable addr={addr} cfg={cfg} onSaved={loaded.reload} />}
    </LoadState>
  );
}

export function BrokerConfigDrawer(props: { addr: string | undefined; onClose: () => void }) {
  const t = useT(table);
  const c = useT(common);
  return (
    <Drawer
      opened={props.addr !== undefined}
      onClose={props.onClose}
      position="right"
      size="xl"
      title={fmt(t.configTitle, { addr: props.addr ?? '' })}
      closeButtonProps={{ 'aria-label': c.close }}
    >
      {props.addr !== undefined && <ConfigBody addr={props.addr} />}
    </Drawer>
  );
}
