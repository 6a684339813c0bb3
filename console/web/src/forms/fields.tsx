// Form fields the write dialogs share: a name fixed once the thing exists, where to write it
// (a cluster or one master, loaded from api/cluster), a whole number whose cleared field reads
// as NaN so the form's checks name it instead of sending 0, and the row of buttons at the end.
import { Group, NumberInput, type NumberInputProps, Select, TextInput } from '@mantine/core';
import { type ReactNode, useState } from 'react';
import { call } from '../api.js';
import { targets } from '../components/broker-targets.js';
import { useSession } from '../session.js';
import type { ClusterView } from '../types.js';
import { useLoad } from '../use-load.js';

export function NameField(props: {
  label: string;
  name: string;
  value: string;
  onChange: (v: string) => void;
  /** Editing: the name is the thing's and cannot change. */
  fixed: boolean;
}) {
  return (
    <TextInput
      label={props.label}
      name={props.name}
      required
      disabled={props.fixed}
      value={props.value}
      onChange={(e) => props.onChange(e.currentTarget.value)}
    />
  );
}

/** The write targets of the environment and the one chosen (the first until one is picked). */
export function useTarget(t: Record<'cluster' | 'broker', string>) {
  const { env } = useSession();
  const cluster = useLoad(() => call<ClusterView>('GET', 'cluster', { query: { env } }), [env]);
  const options = targets(cluster.data, t);
  const [target, setTarget] = useState<string | null>(null);
  return { options, chosen: target ?? options[0]?.value ?? '', setTarget };
}

export function TargetSelect(props: { label: string; target: ReturnType<typeof useTarget> }) {
  const { options, chosen, setTarget } = props.target;
  return (
    <Select
      label={props.label}
      data={options}
      value={chosen}
      onChange={setTarget}
      allowDeselect={false}
    />
  );
}

export function IntField(
  props: Omit<NumberInputProps, 'value' | 'onChange'> & {
    value: number;
    onChange: (v: number) => void;
  },
) {
  const { value, onChange, ...rest } = props;
  return (
    <NumberInput
      {...rest}
      value={value}
      onChange={(v) => onChange(v === '' ? Number.NaN : Number(v))}
    />
  );
}

export function FormActions({ children }: { children: ReactNode }) {
  return <Group justify="flex-end">{children}</Group>;
}
