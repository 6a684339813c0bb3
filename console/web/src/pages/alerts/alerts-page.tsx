// The active alerts (re-read at the dashboard's refresh interval) and the rules that raise them.
import { Button, Group, Paper, Stack, Title } from '@mantine/core';
import { call } from '../../api.js';
import { common } from '../../components/common.i18n.js';
import { LoadState } from '../../components/load-state.js';
import { useT } from '../../i18n.js';
import { useSession } from '../../session.js';
import type { AlertList, AlertRules } from '../../types.js';
import { useEvery } from '../../use-every.js';
import { useLoad } from '../../use-load.js';
import { ActiveAlerts } from './active-alerts.js';
import { alerts as table } from './alerts.i18n.js';
import { RuleEditor } from './rule-editor.js';

/** The server evaluates rules on its collect interval; re-reading faster shows nothing new. */
const ALERTS_REFRESH_MS = 5000;

export function AlertsPage() {
  const t = useT(table);
  const c = useT(common);
  const { env } = useSession();
  const active = useLoad(() => call<AlertList>('GET', 'alerts', { query: { env } }), [env]);
  const rules = useLoad(() => call<AlertRules>('GET', 'alerts/rules', { query: { env } }), [env]);
  useEvery(ALERTS_REFRESH_MS, active.reload);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t.title}</Title>
        <Button variant="default" size="xs" onClick={active.reload} data-testid="refresh">
          {c.refresh}
        </Button>
      </Group>
      <Paper withBorder p="sm">
        <Title order={5} mb="xs">
          {t.active}
        </Title>
        <LoadState loaded={active}>{(d) => <ActiveAlerts alerts={d.alerts} />}</LoadState>
      </Paper>
      <Paper withBorder p="sm">
        <Title order={5} mb="xs">
          {t.rules}
        </Title>
        <LoadState loaded={rules}>
          {(d) => <RuleEditor key={env} initial={d} onSaved={active.reload} />}
        </LoadState>
      </Paper>
    </Stack>
  );
}
