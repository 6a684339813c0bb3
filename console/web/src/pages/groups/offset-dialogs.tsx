// Moving a group's offsets: reset by time (RocketMQ's resetOffsetByTime) shown first as a
// preview of each queue's current → new offset, then confirmed; and skipping the backlog
// (skipAccumulatedMessage: every queue to its max offset) after a confirm. The time is checked
// here as the server checks it: a reset into the future is refused before anything is sent.
import { Alert, Autocomplete, Checkbox, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { call } from '../../api.js';
import { common } from '../../components/common.i18n.js';
import { WriteButton } from '../../components/write-button.js';
import { FormActions } from '../../forms/fields.js';
import { FormDialog } from '../../forms/form-dialog.js';
import { FormProblems } from '../../forms/form-problems.js';
import {
  checkName,
  checkResetTime,
  localTimeMs,
  problemsOf,
  toLocalInput,
} from '../../forms/form-rules.js';
import { useSubmit } from '../../forms/use-submit.js';
import { fmt, useT } from '../../i18n.js';
import { useSession } from '../../session.js';
import type { OffsetChange, OffsetChanges } from '../../types.js';
import { groups as table } from './groups.i18n.js';

/** A reset starts one hour back: the common "replay the last hour" case. */
const DEFAULT_RESET_BACK_MS = 3_600_000;

export function OffsetTable(props: { rows: OffsetChange[]; testid: string }) {
  const t = useT(table);
  const c = useT(common);
  return (
    <Table striped data-testid={props.testid}>
      <Table.Thead>
        <Table.Tr>
          {[t.brokerName, t.queueId, t.currentOffset, t.newOffset].map((h) => (
            <Table.Th key={h}>{h}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {props.rows.map((q) => (
          <Table.Tr
            key={`${q.brokerName}/${q.queueId}`}
            data-queue={`${q.brokerName}/${q.queueId}`}
          >
            <Table.Td>{q.brokerName}</Table.Td>
            <Table.Td>{q.queueId}</Table.Td>
            <Table.Td>{q.currentOffset ?? c.none}</Table.Td>
            <Table.Td data-testid="new-offset">{q.newOffset}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function TopicField(props: { topics: string[]; value: string; onChange: (v: string) => void }) {
  const t = useT(table);
  return (
    <Autocomplete
      label={t.resetTopic}
      name="topic"
      data={props.topics}
      value={props.value}
      onChange={props.onChange}
    />
  );
}

function ResetForm(props: { group: string; topics: string[]; onDone: () => void }) {
  const t = useT(table);
  const { env } = useSession();
  const [topic, setTopic] = useState(props.topics[0] ?? '');
  const [time, setTime] = useState(() => toLocalInput(Date.now() - DEFAULT_RESET_BACK_MS));
  const [force, setForce] = useState(true);
  const [preview, setPreview] = useState<OffsetChange[]>();
  const [done, setDone] = useState<OffsetChange[]>();
  const { refusal, submit } = useSubmit();
  const path = `groups/${encodeURIComponent(props.group)}`;
  const edit = (f: () => void) => {
    f();
    setPreview(undefined);
    setDone(undefined);
  };
  const send = (what: 'reset-preview' | 'reset', then: (q: OffsetChange[]) => void) => {
    const timestamp = localTimeMs(time);
    const local = problemsOf(
      checkName(t.resetTopic, topic, 'topic'),
      checkResetTime(timestamp, Date.now()),
    );
    const body = what === 'reset' ? { topic, timestamp, force } : { topic, timestamp };
    submit(
      local,
      () => call<OffsetChanges>('POST', `${path}/${what}`, { query: { env }, body }),
      (r) => then(r.queues),
    );
  };
  return (
    <Stack data-testid="reset-form">
      <TopicField topics={props.topics} value={topic} onChange={(v) => edit(() => setTopic(v))} />
      <TextInput
        type="datetime-local"
        step={1}
        label={t.resetTime}
        name="resetTime"
        value={time}
        onChange={(e) => {
          const v = e.currentTarget.value;
          edit(() => setTime(v));
        }}
      />
      <Checkbox
        label={t.force}
        checked={force}
        onChange={(e) => setForce(e.currentTarget.checked)}
      />
      <FormProblems refusal={refusal} />
      {preview !== undefined && done === undefined && (
        <Stack gap="xs">
          <Text size="sm">{t.previewIntro}</Text>
          <OffsetTable rows={preview} testid="reset-preview" />
        </Stack>
      )}
      {done !== undefined && (
        <Stack gap="xs">
          <Alert color="teal" data-testid="reset-done">
            {t.resetDone}
          </Alert>
          <OffsetTable rows={done} testid="reset-result" />
        </Stack>
      )}
      <FormActions>
        <WriteButton
          variant="default"
          onClick={() => send('reset-preview', setPreview)}
          data-testid="reset-preview-button"
        >
          {t.preview}
        </WriteButton>
        <WriteButton
          color="orange"
          disabled={preview === undefined || done !== undefined}
          onClick={() =>
            send('reset', (q) => {
              setDone(q);
              props.onDone();
            })
          }
          data-testid="reset-confirm"
        >
          {t.confirmReset}
        </WriteButton>
      </FormActions>
    </Stack>
  );
}

function SkipForm(props: { group: string; topics: string[]; onDone: () => void }) {
  const t = useT(table);
  const { env } = useSession();
  const [topic, setTopic] = useState(props.topics[0] ?? '');
  const [done, setDone] = useState<OffsetChange[]>();
  const { refusal, submit } = useSubmit();
  const skip = () => {
    const path = `groups/${encodeURIComponent(props.group)}/skip`;
    submit(
      problemsOf(checkName(t.resetTopic, topic, 'topic')),
      () => call<OffsetChanges>('POST', path, { query: { env }, body: { topic } }),
      (r) => {
        setDone(r.queues);
        props.onDone();
      },
    );
  };
  return (
    <Stack data-testid="skip-form">
      <Text size="sm">{t.skipIntro}</Text>
      <TopicField topics={props.topics} value={topic} onChange={setTopic} />
      <FormProblems refusal={refusal} />
      {done !== undefined && (
        <Stack gap="xs">
          <Alert color="teal" data-testid="skip-done">
            {t.skipDone}
          </Alert>
          <OffsetTable rows={done} testid="skip-result" />
        </Stack>
      )}
      <FormActions>
        <WriteButton
          color="red"
          disabled={done !== undefined}
          onClick={skip}
          data-testid="skip-confirm"
        >
          {t.confirmSkip}
        </WriteButton>
      </FormActions>
    </Stack>
  );
}

export interface OffsetDialogProps {
  group: string;
  topics: string[];
  action: 'reset' | 'skip' | undefined;
  onClose: () => void;
  onDone: () => void;
}

export function OffsetDialogs(props: OffsetDialogProps) {
  const t = useT(table);
  const { group, topics, onDone } = props;
  return (
    <>
      <FormDialog
        opened={props.action === 'reset'}
        title={fmt(t.resetTitle, { group })}
        onClose={props.onClose}
      >
        <ResetForm group={group} topics={topics} onDone={onDone} />
      </FormDialog>
      <FormDialog
        opened={props.action === 'skip'}
        title={fmt(t.skipTitle, { group })}
        onClose={props.onClose}
      >
        <SkipForm group={group} topics={topics} onDone={onDone} />
      </FormDialog>
    </>
  );
}
