// Create a topic on every master of a cluster or on one broker, with RocketMQ's updateTopic
// defaults (8 read and write queues, perm 6); the same form edits one (updateTopic is also how
// RocketMQ changes queues, perm and order), its name fixed. Fields are checked here as the
// server checks them, so a bad one is named before anything is sent.
import { Alert, Button, Checkbox, Group, Select, Stack } from '@mantine/core';
import { useState } from 'react';
import { call } from '../../api.js';
import { targetFields } from '../../components/broker-targets.js';
import { common } from '../../components/common.i18n.js';
import { FormActions, IntField, NameField, TargetSelect, useTarget } from '../../forms/fields.js';
import { FormDialog } from '../../forms/form-dialog.js';
import { FormProblems } from '../../forms/form-problems.js';
import { checkName, checkQueueNums, problemsOf } from '../../forms/form-rules.js';
import { useSubmit } from '../../forms/use-submit.js';
import { fmt, useT } from '../../i18n.js';
import { useSession } from '../../session.js';
import type { NewTopic, TopicRow } from '../../types.js';
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
  const target = useTarget(t);
  const [topic, setTopic] = useState(was?.topic ?? '');
  const [readQueueNums, setRead] = useState(was?.readQueueNums ?? DEFAULT_QUEUE_NUMS);
  const [writeQueueNums, setWrite] = useState(was?.writeQueueNums ?? DEFAULT_QUEUE_NUMS);
  const [perm, setPerm] = useState(String(was?.perm ?? PERM_READ_WRITE));
  const [order, setOrder] = useState(was?.order ?? false);
  const { refusal, busy, submit } = useSubmit();
  const create = () => {
    const body: NewTopic = {
      topic: topic.trim(),
      readQueueNums,
      writeQueueNums,
      perm: Number(perm),
      order,
      ...targetFields(target.chosen),
    };
    const local = problemsOf(
      checkName(t.name, body.topic, 'topic'),
      checkQueueNums(t.readQueueNums, readQueueNums),
      checkQueueNums(t.writeQueueNums, writeQueueNums),
    );
    submit(
      local,
      () => call('POST', 'topics', { query: { env }, body }),
      () => props.onCreated(body.topic),
    );
  };
  return (
    <Stack data-testid="create-topic-form">
      <NameField
        label={t.name}
        name="topic"
        fixed={was !== undefined}
        value={topic}
        onChange={setTopic}
      />
      <TargetSelect label={t.target} target={target} />
      <Group grow>
        <IntField
          label={t.readQueueNums}
          name="readQueueNums"
          value={readQueueNums}
          onChange={setRead}
        />
        <IntField
          label={t.writeQueueNums}
          name="writeQueueNums"
          value={writeQueueNums}
          onChange={setWrite}
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
      <FormActions>
        <Button variant="default" onClick={props.onCancel}>
          {c.cancel}
        </Button>
        <Button
          onClick={create}
          loading={busy}
          disabled={topic.trim() === ''}
          data-testid="create-submit"
        >
          {was === undefined ? t.submit : t.save}
        </Button>
      </FormActions>
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
  return (
    <FormDialog
      opened={props.opened}
      onClose={props.onClose}
      title={props.existing ? fmt(t.editTitle, { topic: props.existing.topic }) : t.createTitle}
    >
      <CreateForm
        {...(props.existing ? { existing: props.existing } : {})}
        onCreated={props.onCreated}
        onCancel={props.onClose}
      />
    </FormDialog>
  );
}
