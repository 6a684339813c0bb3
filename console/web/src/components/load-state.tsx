// What a page shows while its answer is on the way or when the call failed: the server's own
// one-line error (it says what to do) and a retry.
import { Alert, Button, Group, Loader } from '@mantine/core';
import type { ReactNode } from 'react';
import { useT } from '../i18n.js';
import type { Loaded } from '../use-load.js';
import { common } from './common.i18n.js';

export function LoadState<T>(props: { loaded: Loaded<T>; children: (data: T) => ReactNode }) {
  const t = useT(common);
  const { data, error, loading, reload } = props.loaded;
  if (error !== undefined) {
    return (
      <Alert color="red" title={t.failed} data-testid="load-error">
        <Group justify="space-between">
          <span>{error.message}</span>
          <Button size="xs" variant="light" onClick={reload}>
            {t.retry}
          </Button>
        </Group>
      </Alert>
    );
  }
  if (data === undefined) return loading ? <Loader size="sm" /> : null;
  return <>{props.children(data)}</>;
}

/** A count that may be unknown (null): shown as "unknown", never as 0. */
export function Maybe(props: { value: number | null | undefined; suffix?: string }) {
  const t = useT(common);
  if (props.value === null || props.value === undefined) return <i>{t.unknown}</i>;
  return <>{`${props.value.toLocaleString()}${props.suffix ?? ''}`}</>;
}
