// Create a consumer group or change its config (POST api/groups: RocketMQ's
// UPDATE_AND_CREATE_SUBSCRIPTIONGROUP on each master of a cluster, or on one broker). Editing
// starts from what the first broker holds (GET api/groups/:group/config); new groups start from
// RocketMQ's SubscriptionGroupConfig defaults.
import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import { call } from '../../api.js';
import { targetFields, targets } from '../../components/broker-targets.js';
import { common } from '../../components/common.i18n.js';
import { LoadState } from '../../components/load-state.js';
import { FormProblems, type Refusal, refusalOf } from '../../forms/form-problems.js';
import { checkInt, checkName, checkQueueNums, problemsOf } from '../../forms/form-rules.js';
import { fmt, useT } from '../../i18n.js';
import { useSession } from '../../session.js';
import type { ClusterView, GroupConfigs, SubscriptionGroupConfig } from '../../types.js';
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
  const cluster = useLoad(() => call<ClusterView>('GET', 'cluster', { query: { env } }), [env]);
  const options = targets(cluster.data, t);
  const [group, setGroup] = useState(props.group ?? '');
  const [target, setTarget] = useState<string | null>(null);
  const [config, setConfig] = useState<Config>(props.initial);
  const [refusal, setRefusal] = useState<Refusal>();
  const [saved, setSaved] = useState<string[]>();
  const [busy, setBusy] = useState(false);
  const chosen = target ?? options[0]?.value ?? '';
  const submit = () => {
    const name = group.trim();
    const local = problemsOf(
      checkName(t.name, name, 'group'),
      checkQueueNums(t.retryQueueNums, config.retryQueueNums),
      ...(['retryMaxTimes', 'brokerId', 'whichBrokerWhenConsumeSlowly'] as const).map((k) =>
        checkInt(t[k], config[k], 0, INT_MAX),
      ),
    );
    if (local.length > 0) return setRefusal({ local });
    setRefusal(undefined);
    setBusy(true);
    const body = { group: name, ...targetFields(chosen), config };
    call<{ brokers: string[] }>('POST', 'groups', { query: { env }, body })
      .then(
        (r) => {
          setSaved(r.brokers);
          props.onSaved(name);
        },
        (e: unknown) => setRefusal(refusalOf(e)),
      )
      .finally(() => setBusy(false));
  };
  return (
    <Stack data-testid="group-config-form">
      <TextInput
        label={t.name}
        name="group"
        required
        disabled={props.group !== undefined}
        value={group}
        onChange={(e) => setGroup(e.currentTarget.value)}
      />
      <Select
        label={t.target}
        data={options}
        value={chosen}
        onChange={setTarget}
        allowDeselect={false}
      />
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
          <NumberInput
            key={k}
            label={t[k]}
            name={k}
            value={config[k]}
            onChange={(v) => setConfig({ ...config, [k]: v === '' ? Number.NaN : Number(v) })}
          />
        ))}
      </SimpleGrid>
      <FormProblems refusal={refusal} />
      {saved !== undefined && (
        <Alert color="teal" data-testid="group-saved">
          {fmt(t.saved, { brokers: saved.join(', ') })}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button onClick={submit} loading={busy} data-testid="group-config-submit">
          {t.save}
        </Button>
      </Group>
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
  const c = useT(common);
  const title =
    props.group === undefined ? t.createTitle : fmt(t.editTitle, { group: props.group });
  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title={title}
      size="lg"
      closeButtonProps={{ 'aria-label': c.close }}
    >
      {props.opened &&
        (props.group === undefined ? (
          <ConfigForm initial={DEFAULTS} onSaved={props.onSaved} />
        ) : (
          <EditForm group={props.group} onSaved={props.onSaved} />
        ))}
    </Modal>
  );
}
