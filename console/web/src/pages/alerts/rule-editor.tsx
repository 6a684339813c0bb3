// The alert rules and the webhook as one form: edited locally, sent whole with PUT
// api/alerts/rules. A refused save lists the server's problem lines, one per bad field.
import {
  ActionIcon,
  Alert,
  Button,
  Group,
  List,
  NumberInput,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { useState } from 'react';
import { ApiError, call } from '../../api.js';
import { WriteButton } from '../../components/write-button.js';
import { useT } from '../../i18n.js';
import { useIsAdmin } from '../../session.js';
import { ALERT_TYPES, type AlertRules } from '../../types.js';
import { alerts as table } from './alerts.i18n.js';
import {
  type Draft,
  type DraftRule,
  fromDraft,
  hasUnit,
  isAlertType,
  newRule,
  toDraft,
} from './rules-draft.js';

type Outcome = { ok: true } | { ok: false; message: string; problems: readonly string[] };

function RuleLine(props: {
  r: DraftRule;
  set: (r: DraftRule) => void;
  remove: () => void;
  readOnly: boolean;
}) {
  const t = useT(table);
  const { r, set, readOnly } = props;
  return (
    <Table.Tr data-rule={r.id} data-type={r.type}>
      <Table.Td>
        <Select
          size="xs"
          aria-label={t.type}
          disabled={readOnly}
          allowDeselect={false}
          value={r.type}
          onChange={(v) => isAlertType(v) && set({ ...r, type: v })}
          data={ALERT_TYPES.map((x) => ({ value: x, label: t[x] }))}
        />
      </Table.Td>
      <Table.Td>
        <TextInput
          size="xs"
          aria-label={t.target}
          placeholder={t.targetHint}
          disabled={readOnly}
          value={r.target}
          onChange={(e) => set({ ...r, target: e.currentTarget.value })}
        />
      </Table.Td>
      <Table.Td>
        {hasUnit(r.type) && (
          <Select
            size="xs"
            w={120}
            aria-label={t.unit}
            disabled={readOnly}
            allowDeselect={false}
            value={r.unit}
            onChange={(v) => (v === 'messages' || v === 'seconds') && set({ ...r, unit: v })}
            data={[
              { value: 'messages', label: t.messages },
              { value: 'seconds', label: t.seconds },
            ]}
          />
        )}
      </Table.Td>
      <Table.Td>
        <NumberInput
          size="xs"
          w={110}
          aria-label={t.threshold}
          disabled={readOnly}
          min={0}
          value={r.threshold}
          onChange={(v) => typeof v === 'number' && set({ ...r, threshold: v })}
        />
      </Table.Td>
      <Table.Td>
        <NumberInput
          size="xs"
          w={90}
          aria-label={t.forSeconds}
          disabled={readOnly}
          min={0}
          allowDecimal={false}
          value={r.forSeconds}
          onChange={(v) => typeof v === 'number' && set({ ...r, forSeconds: v })}
        />
      </Table.Td>
      <Table.Td>
        <Switch
          aria-label={t.enabled}
          disabled={readOnly}
          checked={r.enabled}
          onChange={(e) => set({ ...r, enabled: e.currentTarget.checked })}
        />
      </Table.Td>
      <Table.Td>
        <Tooltip label={t.removeRule}>
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label={t.removeRule}
            disabled={readOnly}
            onClick={props.remove}
          >
            {'×'}
          </ActionIcon>
        </Tooltip>
      </Table.Td>
    </Table.Tr>
  );
}

function OutcomeLine({ outcome }: { outcome: Outcome }) {
  const t = useT(table);
  if (outcome.ok) {
    return (
      <Text c="teal" size="sm" data-testid="rules-saved">
        {t.saved}
      </Text>
    );
  }
  return (
    <Alert color="red" title={t.refused} data-testid="rules-refused">
      <Text size="sm">{outcome.message}</Text>
      <List size="sm">
        {outcome.problems.map((p) => (
          <List.Item key={p}>{p}</List.Item>
        ))}
      </List>
    </Alert>
  );
}

export function RuleEditor(props: { initial: AlertRules; onSaved: () => void }) {
  const t = useT(table);
  const readOnly = !useIsAdmin();
  const [draft, setDraft] = useState<Draft>(() => toDraft(props.initial));
  const [outcome, setOutcome] = useState<Outcome>();
  const setRule = (i: number, r: DraftRule) =>
    setDraft({ ...draft, rules: draft.rules.map((x, k) => (k === i ? r : x)) });
  const add = () => {
    const ids = draft.rules.map((r) => r.id);
    setDraft({ ...draft, rules: [...draft.rules, newRule('consumerLag', ids, Date.now())] });
  };
  const save = () => {
    call('PUT', 'alerts/rules', { body: fromDraft(draft) }).then(
      () => {
        setOutcome({ ok: true });
        props.onSaved();
      },
      (e: unknown) => {
        const err = e instanceof ApiError ? e : new ApiError(0, 'NETWORK', String(e));
        setOutcome({ ok: false, message: err.message, problems: err.problems });
      },
    );
  };
  const heads = [t.type, t.target, t.unit, t.threshold, t.forSeconds, t.enabled];
  return (
    <Stack data-testid="rule-editor">
      {draft.rules.length === 0 ? (
        <Text c="dimmed">{t.noRules}</Text>
      ) : (
        <Table data-testid="rules-table">
          <Table.Thead>
            <Table.Tr>
              {heads.map((h) => (
                <Table.Th key={h}>{h}</Table.Th>
              ))}
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {draft.rules.map((r, i) => (
              <RuleLine
                key={r.id}
                r={r}
                readOnly={readOnly}
                set={(x) => setRule(i, x)}
                remove={() => setDraft({ ...draft, rules: draft.rules.filter((_, k) => k !== i) })}
              />
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Group>
        <Button
          size="xs"
          variant="default"
          onClick={add}
          disabled={readOnly}
          data-testid="add-rule"
        >
          {t.addRule}
        </Button>
      </Group>
      <TextInput
        label={t.webhook}
        description={t.webhookHint}
        name="webhook"
        disabled={readOnly}
        value={draft.webhookUrl}
        onChange={(e) => setDraft({ ...draft, webhookUrl: e.currentTarget.value })}
      />
      <Group justify="flex-end">
        <WriteButton onClick={save} data-testid="save-rules">
          {t.save}
        </WriteButton>
      </Group>
      {outcome !== undefined && <OutcomeLine outcome={outcome} />}
    </Stack>
  );
}
