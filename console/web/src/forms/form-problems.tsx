// The one place a form's refusal is shown: the browser's own checks (nothing sent) or the
// server's answer (its problems lines, else its one-line error). Either way nothing changed.
import { Alert, List } from '@mantine/core';
import { ApiError } from '../api.js';
import { fmt, useT } from '../i18n.js';
import type { Problem } from './form-rules.js';
import { forms } from './forms.i18n.js';

export type Refusal = { local: Problem[] } | { server: string[] } | undefined;

/** A failed call as a refusal: a 400's problem lines, else the error's message. */
export function refusalOf(e: unknown): Refusal {
  if (e instanceof ApiError)
    return { server: e.problems.length > 0 ? [...e.problems] : [e.message] };
  return { server: [String(e)] };
}

export function FormProblems({ refusal }: { refusal: Refusal }) {
  const t = useT(forms);
  if (refusal === undefined) return null;
  const local = 'local' in refusal;
  const lines = local
    ? refusal.local.map((p) => fmt(t[p.key], { ...p.values, field: p.values.field ?? '' }))
    : refusal.server;
  return (
    <Alert
      color="red"
      title={local ? t.checkFields : t.refused}
      data-testid="form-problems"
      data-source={local ? 'browser' : 'server'}
    >
      <List size="sm">
        {lines.map((line) => (
          <List.Item key={line}>{line}</List.Item>
        ))}
      </List>
    </Alert>
  );
}
