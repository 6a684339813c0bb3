// What to look for: a topic over a time range (a preset, or two datetime inputs), a topic and
// key, or a topic and one message ID. The range is checked here against the server's bound, so
// a refused range never leaves the browser.
import { Button, Group, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useT } from '../../i18n.js';
import {
  checkRange,
  fromLocalInput,
  presetRange,
  RANGE_PRESETS,
  type RangePreset,
  type TimeRange,
  toLocalInput,
} from '../../time-range.js';
import { messages as table } from './messages.i18n.js';

export type Search =
  | { mode: 'topic'; topic: string; range: TimeRange }
  | { mode: 'key'; topic: string; key: string }
  | { mode: 'id'; topic: string; id: string };

const MODES = ['topic', 'key', 'id'] as const;
type Mode = (typeof MODES)[number];

const RANGE_PROBLEM = {
  empty: 'rangeEmpty',
  tooLong: 'rangeTooLong',
  invalid: 'rangeInvalid',
} as const;

function RangeInputs(props: {
  preset: RangePreset | 'custom';
  setPreset: (p: RangePreset | 'custom') => void;
  custom: { begin: string; end: string };
  setCustom: (c: { begin: string; end: string }) => void;
}) {
  const t = useT(table);
  return (
    <>
      <Select
        w={180}
        label={t.range}
        data-testid="msg-range"
        allowDeselect={false}
        value={props.preset}
        onChange={(v) => v !== null && props.setPreset(v as RangePreset | 'custom')}
        data={[...RANGE_PRESETS, 'custom' as const].map((p) => ({ value: p, label: t[p] }))}
      />
      {props.preset === 'custom' && (
        <>
          <TextInput
            type="datetime-local"
            label={t.begin}
            value={props.custom.begin}
            onChange={(e) => props.setCustom({ ...props.custom, begin: e.currentTarget.value })}
          />
          <TextInput
            type="datetime-local"
            label={t.end}
            value={props.custom.end}
            onChange={(e) => props.setCustom({ ...props.custom, end: e.currentTarget.value })}
          />
        </>
      )}
    </>
  );
}

export function SearchForm({ onSearch }: { onSearch: (s: Search) => void }) {
  const t = useT(table);
  const [mode, setMode] = useState<Mode>('topic');
  const [topic, setTopic] = useState('');
  const [key, setKey] = useState('');
  const [id, setId] = useState('');
  const [preset, setPreset] = useState<RangePreset | 'custom'>('1h');
  const [custom, setCustom] = useState(() => {
    const r = presetRange('1h', Date.now());
    return { begin: toLocalInput(r.begin), end: toLocalInput(r.end) };
  });
  const [problem, setProblem] = useState<string>();
  const submit = () => {
    if (topic.trim() === '') return setProblem(t.needTopic);
    const tp = topic.trim();
    if (mode === 'key') return ok({ mode, topic: tp, key: key.trim() });
    if (mode === 'id') return ok({ mode, topic: tp, id: id.trim() });
    const range =
      preset === 'custom'
        ? { begin: fromLocalInput(custom.begin), end: fromLocalInput(custom.end) }
        : presetRange(preset, Date.now());
    const bad = checkRange(range);
    if (bad !== null) return setProblem(t[RANGE_PROBLEM[bad]]);
    ok({ mode, topic: tp, range });
  };
  const ok = (s: Search) => {
    setProblem(undefined);
    onSearch(s);
  };
  return (
    <Stack gap="xs" data-testid="msg-search-form">
      <SegmentedControl
        w="fit-content"
        value={mode}
        onChange={(v) => setMode(v as Mode)}
        data-testid="msg-mode"
        data={[
          { value: 'topic', label: t.byTopic },
          { value: 'key', label: t.byKey },
          { value: 'id', label: t.byId },
        ]}
      />
      <Group align="flex-end">
        <TextInput
          w={280}
          label={t.topic}
          name="topic"
          value={topic}
          onChange={(e) => setTopic(e.currentTarget.value)}
        />
        {mode === 'topic' && <RangeInputs {...{ preset, setPreset, custom, setCustom }} />}
        {mode === 'key' && (
          <TextInput
            label={t.key}
            name="key"
            value={key}
            onChange={(e) => setKey(e.currentTarget.value)}
          />
        )}
        {mode === 'id' && (
          <TextInput
            w={340}
            label={t.id}
            name="id"
            value={id}
            onChange={(e) => setId(e.currentTarget.value)}
          />
        )}
        <Button onClick={submit} data-testid="msg-search">
          {t.search}
        </Button>
      </Group>
      {problem !== undefined && (
        <Text c="red" size="sm" data-testid="msg-search-problem">
          {problem}
        </Text>
      )}
    </Stack>
  );
}
