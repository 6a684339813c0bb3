// The alerts that are pending or firing (and just resolved), as api/alerts and api/dashboard
// list them: one table for the alerts page and the dashboard.
import { Badge, Table, Text } from '@mantine/core';
import { Maybe } from '../../components/load-state.js';
import { useLocale, useT } from '../../i18n.js';
import type { Alert } from '../../types.js';
import { alerts as table } from './alerts.i18n.js';

const STATE_COLOR = { pending: 'yellow', firing: 'red', resolved: 'teal' } as const;

export function ActiveAlerts({ alerts }: { alerts: Alert[] }) {
  const t = useT(table);
  const locale = useLocale();
  if (alerts.length === 0) {
    return (
      <Text c="dimmed" data-testid="no-alerts">
        {t.noAlerts}
      </Text>
    );
  }
  return (
    <Table striped data-testid="active-alerts">
      <Table.Thead>
        <Table.Tr>
          {[t.type, t.target, t.state, t.value, t.threshold, t.since].map((h) => (
            <Table.Th key={h}>{h}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {alerts.map((a) => (
          <Table.Tr
            key={`${a.ruleId}/${a.target}`}
            data-rule={a.ruleId}
            data-type={a.type}
            data-state={a.state}
          >
            <Table.Td>{t[a.type]}</Table.Td>
            <Table.Td>{a.target}</Table.Td>
            <Table.Td>
              <Badge color={STATE_COLOR[a.state]} variant="light">
                {t[a.state]}
              </Badge>
            </Table.Td>
            <Table.Td>
              <Maybe value={a.value} />
            </Table.Td>
            <Table.Td>{a.threshold.toLocaleString()}</Table.Td>
            <Table.Td>{new Date(a.since).toLocaleString(locale)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
