// A test message from the console (POST api/topics/:topic/messages): body, tag, keys, user
// properties, and either a delay level or a delivery time (RocketMQ's timer message). The answer
// says where it landed, which is what a person looks for next on the Messages page.
import {
  Alert,
  Button,
  Group,
  SegmentedControl,
  Stack,
  Table,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import { call } from '../../api.js';
import { FormActions, IntField } from '../../forms/fields.js';
import { FormDialog } from '../../forms/form-dialog.js';
import { FormProblems } from '../../forms/form-problems.js';
import { checkDelivery, localTimeMs, problemsOf, toLocalInput } from '../../forms/form-rules.js';
import { useSubmit } from '../../forms/use-submit.js';
import { fmt, useT } from '../../i18n.js';
import { useSession } from '../../session.js';
import type { SendResult } from '../../types.js';
import { topics as table } from './topics.i18n.js';

type Delivery = 'now' | 'level' | 'at';
/** A delivery time a little ahead, so the field starts with a valid value. */
const DEFAULT_DELIVER_AHEAD_MS = 60_000;

function Props(props: { rows: [string, string][]; setRows: (rows: [string, string][]) => void }) {
  const t = useT(table);
  const set = (i: number, at: 0 | 1, v: string) =>
    props.setRows(props.rows.map((r, j) => (j !== i ? r : at === 0 ? [v, r[1]] : [r[0], v])));
  return (
    <Stack gap={4} data-testid="send-properties">
      {props.rows.map(([k, v], i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
        <Group key={i} gap="xs">
          <TextInput
            size="xs"
            placeholder={t.propKey}
            aria-label={t.propKey}
            value={k}
            onChange={(e) => set(i, 0, e.currentTarget.value)}
          />
          <TextInput
            size="xs"
            placeholder={t.propValue}
            aria-label={t.propValue}
            value={v}
            onChange={(e) => set(i, 1, e.currentTarget.value)}
          />
          <Button
            size="xs"
            variant="subtle"
            onClick={() => props.setRows(props.rows.filter((_, j) => j !== i))}
          >
            {t.removeProp}
          </Button>
        </Group>
      ))}
      <Button
        size="xs"
        variant="light"
        w="fit-content"
        onClick={() => props.setRows([...props.rows, ['', '']])}
      >
        {t.addProp}
      </Button>
    </Stack>
  );
}

function Sent({ r }: { r: SendResult }) {
  const t = useT(table);
  return (
    <Alert color="teal" title={fmt(t.sent, { status: r.sendStatus })} data-testid="send-result">
      <Table>
        <Table.Tbody>
          <Table.Tr>
            <Table.Td>{t.msgId}</Table.Td>
            <Table.Td data-testid="sent-msgid">{r.msgId}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Td>{t.queue}</Table.Td>
            <Table.Td data-testid="sent-queue">{`${r.queue.brokerName} / ${r.queue.queueId}`}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Td>{t.queueOffset}</Table.Td>
            <Table.Td data-testid="sent-offset">{r.queueOffset}</Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
    </Alert>
  );
}

interface SendBody {
  body: string;
  tag?: string;
  keys?: string[];
  properties?: Record<string, string>;
  delayLevel?: number;
  deliverTimeMs?: number;
}

function SendForm({ topic }: { topic: string }) {
  const t = useT(table);
  const { env } = useSession();
  const [body, setBody] = useState('');
  const [tag, setTag] = useState('');
  const [keys, setKeys] = useState('');
  const [rows, setRows] = useState<[string, string][]>([]);
  const [delivery, setDelivery] = useState<Delivery>('now');
  const [level, setLevel] = useState<number>(1);
  const [at, setAt] = useState(() => toLocalInput(Date.now() + DEFAULT_DELIVER_AHEAD_MS));
  const [result, setResult] = useState<SendResult>();
  const { refusal, busy, submit } = useSubmit();
  const send = () => {
    const req: SendBody = { body };
    if (tag.trim() !== '') req.tag = tag.trim();
    const keyList = keys.split(/\s+/).filter((k) => k !== '');
    if (keyList.length > 0) req.keys = keyList;
    const props = rows.filter(([k]) => k.trim() !== '');
    if (props.length > 0) req.properties = Object.fromEntries(props);
    if (delivery === 'level') req.delayLevel = level;
    if (delivery === 'at') req.deliverTimeMs = localTimeMs(at);
    const path = `topics/${encodeURIComponent(topic)}/messages`;
    submit(
      problemsOf(checkDelivery(req, Date.now())),
      () => {
        setResult(undefined);
        return call<SendResult>('POST', path, { query: { env }, body: req });
      },
      setResult,
    );
  };
  return (
    <Stack data-testid="send-form">
      <Textarea
        label={t.body}
        name="body"
        autosize
        minRows={3}
        value={body}
        onChange={(e) => setBody(e.currentTarget.value)}
      />
      <Group grow>
        <TextInput
          label={t.tag}
          name="tag"
          value={tag}
          onChange={(e) => setTag(e.currentTarget.value)}
        />
        <TextInput
          label={t.keys}
          name="keys"
          value={keys}
          onChange={(e) => setKeys(e.currentTarget.value)}
        />
      </Group>
      <Props rows={rows} setRows={setRows} />
      <SegmentedControl
        w="fit-content"
        value={delivery}
        onChange={(v) => setDelivery(v as Delivery)}
        data-testid="send-delivery"
        data={[
          { value: 'now', label: t.deliverNow },
          { value: 'level', label: t.deliverLevel },
          { value: 'at', label: t.deliverAt },
        ]}
      />
      {delivery === 'level' && (
        <IntField
          w={200}
          label={t.delayLevel}
          name="delayLevel"
          value={level}
          onChange={setLevel}
        />
      )}
      {delivery === 'at' && (
        <TextInput
          w={260}
          type="datetime-local"
          step={1}
          label={t.deliverTime}
          name="deliverTime"
          value={at}
          onChange={(e) => setAt(e.currentTarget.value)}
        />
      )}
      <FormProblems refusal={refusal} />
      {result !== undefined && <Sent r={result} />}
      <FormActions>
        <Button onClick={send} loading={busy} data-testid="send-submit">
          {t.sendSubmit}
        </Button>
      </FormActions>
    </Stack>
  );
}

export function SendMessageDialog(props: { topic: string | undefined; onClose: () => void }) {
  const t = useT(table);
  return (
    <FormDialog
      opened={props.topic !== undefined}
      onClose={props.onClose}
      title={fmt(t.sendTitle, { topic: props.topic ?? '' })}
    >
      {props.topic !== undefined && <SendForm topic={props.topic} />}
    </FormDialog>
  );
}
