// Create a topic on every master of a cluster or on one broker, with RocketMQ's updateTopic
// defaults (8 read and write queues, perm 6); the same form edits one (updateTopic is also how
// RocketMQ changes queues, perm and order), its name fixed. Fields are checked here as the
// server checks them, so a bad one is named before anything is sent.
import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  NumberInput,
  Select,
  Stack,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import { call } from '../../api.js';
import { targets } from '../../components/broker-targets.js';
import { common } from '../../components/common.i18n.js';
import { FormProblems, type Refusal, refusalOf } from '../../forms/form-problems.js';
import { checkName, checkQueueNums, problemsOf } from '../../forms/form-rules.js';
import { fmt, useT } from '../../i18n.js';
import { useSession } from '../../session.js';
import type { ClusterView, NewTopic, TopicRow } from '../../types.js';
import { useLoad } from '../../use-load.js';
import { topics as table } from './topics.i18n.js';

const DEFAULT_QUEUE_NUMS = 8;
const PERM_READ_WRITE = 6;

interface FormProps {
  existing?: TopicRow;
  onCreated: (topic: string) => void;
  onCancel: () => void;
}

function CreateForm(props: FormProps) {
  const was = props.existing;
  const t = useT(table);
  const c = useT(common);
  const { env } = useSession();
  const cluster = useLoad(() => call<ClusterView>('GET', 'cluster', { query: { env } }), [env]);
  const options = targets(cluster.data, t);
  const [topic, setTopic] = useState(was?.topic ?? '');
  const [target, setTarget] = useState<string | null>(null);
  const [readQueueNums, setRead] = useState(was?.readQueueNums ?? DEFAULT_QUEUE_NUMS);
  const [writeQueueNums, setWrite] = useState(was?.writeQueueNums ?? DEFAULT_QUEUE_NUMS);
  const [perm, setPerm] = useState(String(was?.perm ?? PERM_READ_WRITE));
  const [order, setOrder] = useState(was?.order ?? false);
  const [refusal, setRefusal] = useState<Refusal>();
  const [busy, setBusy] = useState(false);
  const chosen = target ?? options[0]?.value ?? '';
  const submit = () => {
    const body: NewTopic = {
      topic: topic.trim(),
      readQueueNums,
      writeQueueNums,
      perm: Number(perm),
      order,
    };
    if (chosen.startsWith('cluster:')) body.cluster = chosen.slice('cluster:'.length);
    if (chosen.startsWith('broker:')) body.brokerAddr = chosen.slice('broker:'.length);
    const local = problemsOf(
      checkName(t.name, body.topic, 'topic'),
      checkQueueNums(t.readQueueNums, readQueueNums),
      checkQueueNums(t.writeQueueNums, writeQueueNums),
    );
    if (local.length > 0) return setRefusal({ local });
    setRefusal(undefined);
    setBusy(true);
    call('POST', 'topics', { query: { env }, body }).then(
      () => props.onCreated(body.topic),
      (e: unknown) => {
        setRefusal(refusalOf(e));
        setBusy(false);
      },
    );
  };
  return (
    <Stack data-testid="create-topic-form">
      <TextInput
        label={t.name}
        name="topic"
        required
        disabled={was !== undefined}
        value={topic}
        onChange={(e) => setTopic(e.currentTarget.value)}
      />
      <Select
        label={t.target}
        data={options}
        value={chosen}
        onChange={setTarget}
        allowDeselect={false}
      />
      <Group grow>
        <NumberInput
          label={t.readQueueNums}
          name="readQueueNums"
          value={readQueueNums}
          onChange={(v) => setRead(v === '' ? Number.NaN : Number(v))}
        />
        <NumberInput
          label={t.writeQueueNums}
          name="writeQueueNums"
          value={writeQueueNums}
          onChange={(v) => setWrite(v === '' ? Number.NaN : Number(v))}
        />
      </Group>
      <Select
        label={t.perm}
        allowDeselect={false}
        value={perm}
        onChange={(v) => v !== null && setPerm(v)}
        data={[
          { value: '6', label: t.permRW },
          { value: '4', label: t.permR },
          { value: '2', label: t.permW },
        ]}
      />
      <Checkbox
        label={t.order}
        checked={order}
        onChange={(e) => setOrder(e.currentTarget.checked)}
      />
      {was !== undefined && <Alert color="blue">{t.editNote}</Alert>}
      <FormProblems refusal={refusal} />
      <Group justify="flex-end">
        <Button variant="default" onClick={props.onCancel}>
          {c.cancel}
        </Button>
        <Button
          onClick={submit}
          loading={busy}
          disabled={topic.trim() === ''}
          data-testid="create-submit"
        >
          {was === undefined ? t.submit : t.save}
        </Button>
      </Group>
    </Stack>
  );
}

export function CreateTopicDialog(props: {
  opened: boolean;
  /** Edits this topic instead of creating one. */
  existing?: TopicRow;
  onClose: () => void;
  onCreated: (topic: string) => void;
}) {
  const t = useT(table);
  const c = useT(common);
  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title={props.existing ? fmt(t.editTitle, { topic: props.existing.topic }) : t.createTitle}
      size="lg"
      closeButtonProps={{ 'aria-label': c.close }}
    >
      {props.opened && (
        <CreateForm
          {...(props.existing ? { existing: props.existing } : {})}
          onCreated={props.onCreated}
          onCancel={props.onClose}
        />
      )}
    </Modal>
  );
}
