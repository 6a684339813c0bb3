// Create a consumer group or change its config (POST api/groups: RocketMQ's
// UPDATE_AND_CREATE_SUBSCRIPTIONGROUP on each master of a cluster, or on one broker). Editing
// starts from what the first broker holds (GET api/groups/:group/config); new groups start from
// RocketMQ's SubscriptionGroupConfig defaults.
import { Alert, Button, Checkbox, SimpleGrid, Stack } from '@mantine/core';
import { useState } from 'react';
import { call } from '../../api.js';
import { targetFields } from '../../components/broker-targets.js';
import { LoadState } from '../../components/load-state.js';
import { FormActions, IntField, NameField, TargetSelect, useTarget } from '../../forms/fields.js';
import { FormDialog } from '../../forms/form-dialog.js';
import { FormProblems } from '../../forms/form-problems.js';
import { checkInt, checkName, checkQueueNums, problemsOf } from '../../forms/form-rules.js';
import { useSubmit } from '../../forms/use-submit.js';
import { fmt, useT } from '../../i18n.js';
import { useSession } from '../../session.js';
import type { GroupConfigs, GroupCreated, SubscriptionGroupConfig } from '../../types.js';
import { useLoad } from '../../use-load.js';
import { groups as table } from './groups.i18n.js';

/** What the form edits; consumeMessageOrderly is the consumers' to say, not shown here. */
type Config = Omit<SubscriptionGroupConfig, 'groupName' | 'consumeMessageOrderly'>;

/** SubscriptionGroupConfig's field defaults (RocketMQ 5.x). */
const DEFAULTS: Config = {
  consumeEnable: true,
  consumeFromMinEnable: true,
  consumeBroadcastEnable: true,
  notifyConsumerIdsChangedEnable: true,
  retryQueueNums: 1,
  retryMaxTimes: 16,
  brokerId: 0,
  whichBrokerWhenConsumeSlowly: 1,
};
const FLAGS = [
  'consumeEnable',
  'consumeFromMinEnable',
  'consumeBroadcastEnable',
  'notifyConsumerIdsChangedEnable',
] as const;
const NUMBERS = [
  'retryQueueNums',
  'retryMaxTimes',
  'brokerId',
  'whichBrokerWhenConsumeSlowly',
] as const;
const INT_MAX = 2 ** 31 - 1;

function ConfigForm(props: { group?: string; initial: Config; onSaved: (group: string) => void }) {
  const t = useT(table);
  const { env } = useSession();
  const target = useTarget(t);
  const [group, setGroup] = useState(props.group ?? '');
  const [config, setConfig] = useState<Config>(props.initial);
  const [saved, setSaved] = useState<string[]>();
  const { refusal, busy, submit } = useSubmit();
  const save = () => {
    const name = group.trim();
    const local = problemsOf(
      checkName(t.name, name, 'group'),
      checkQueueNums(t.retryQueueNums, config.retryQueueNums),
      ...(['retryMaxTimes', 'brokerId', 'whichBrokerWhenConsumeSlowly'] as const).map((k) =>
        checkInt(t[k], config[k], 0, INT_MAX),
      ),
    );
    const body = { group: name, ...targetFields(target.chosen), config };
    submit(
      local,
      () => call<GroupCreated>('POST', 'groups', { query: { env }, body }),
      (r) => {
        setSaved(r.brokers);
        props.onSaved(name);
      },
    );
  };
  return (
    <Stack data-testid="group-config-form">
      <NameField
        label={t.name}
        name="group"
        fixed={props.group !== undefined}
        value={group}
        onChange={setGroup}
      />
      <TargetSelect label={t.target} target={target} />
      <SimpleGrid cols={2}>
        {FLAGS.map((k) => (
          <Checkbox
            key={k}
            label={t[k]}
            name={k}
            checked={config[k]}
            onChange={(e) => setConfig({ ...config, [k]: e.currentTarget.checked })}
          />
        ))}
        {NUMBERS.map((k) => (
          <IntField
            key={k}
            label={t[k]}
            name={k}
            value={config[k]}
            onChange={(v) => setConfig({ ...config, [k]: v })}
          />
        ))}
      </SimpleGrid>
      <FormProblems refusal={refusal} />
      {saved !== undefined && (
        <Alert color="teal" data-testid="group-saved">
          {fmt(t.saved, { brokers: saved.join(', ') })}
        </Alert>
      )}
      <FormActions>
        <Button onClick={save} loading={busy} data-testid="group-config-submit">
          {t.save}
        </Button>
      </FormActions>
    </Stack>
  );
}

function EditForm(props: { group: string; onSaved: (group: string) => void }) {
  const { env } = useSession();
  const loaded = useLoad(
    () =>
      call<GroupConfigs>('GET', `groups/${encodeURIComponent(props.group)}/config`, {
        query: { env },
      }),
    [env, props.group],
  );
  return (
    <LoadState loaded={loaded}>
      {(d) => {
        const held = d.configs[0]?.config;
        // Only the fields this form edits: a newer broker's extra keys are not sent back.
        const initial = { ...DEFAULTS };
        for (const k of FLAGS) if (typeof held?.[k] === 'boolean') initial[k] = held[k];
        for (const k of NUMBERS) if (typeof held?.[k] === 'number') initial[k] = held[k];
        return <ConfigForm group={props.group} initial={initial} onSaved={props.onSaved} />;
      }}
    </LoadState>
  );
}

/** group undefined: create a new one. */
export function GroupConfigDialog(props: {
  opened: boolean;
  group?: string;
  onClose: () => void;
  onSaved: (group: string) => void;
}) {
  const t = useT(table);
  const title =
    props.group === undefined ? t.createTitle : fmt(t.editTitle, { group: props.group });
  return (
    <FormDialog opened={props.opened} onClose={props.onClose} title={title}>
      {props.group === undefined ? (
        <ConfigForm initial={DEFAULTS} onSaved={props.onSaved} />
      ) : (
        <EditForm group={props.group} onSaved={props.onSaved} />
      )}
    </FormDialog>
  );
}
