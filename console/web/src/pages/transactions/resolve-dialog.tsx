// Commit or roll back one half message by hand: the decision is final, so it is stated with its
// effect before the button that sends it (END_TRANSACTION through the console server).
import { Alert, Button, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { ApiError, call } from '../../api.js';
import { common } from '../../components/common.i18n.js';
import { WriteButton } from '../../components/write-button.js';
import { FormActions } from '../../forms/fields.js';
import { FormDialog } from '../../forms/form-dialog.js';
import { fmt, useT } from '../../i18n.js';
import type { HalfMessage, ResolveRequest } from '../../types.js';
import { transactions as table } from './transactions.i18n.js';

export type Action = 'commit' | 'rollback';

export function ResolveDialog(props: {
  pick: { half: HalfMessage; action: Action } | undefined;
  onClose: () => void;
  onDone: () => void;
}) {
  const t = useT(table);
  const c = useT(common);
  const [error, setError] = useState<string>();
  const { pick } = props;
  const close = () => {
    setError(undefined);
    props.onClose();
  };
  const send = () => {
    if (pick === undefined) return;
    const { brokerName, msgId } = pick.half;
    const req: ResolveRequest = { brokerName, msgId, action: pick.action };
    call('POST', 'transactions/resolve', { body: req }).then(
      () => {
        setError(undefined);
        props.onDone();
      },
      (e: unknown) => setError(e instanceof ApiError ? e.message : String(e)),
    );
  };
  const commit = pick?.action === 'commit';
  return (
    <FormDialog
      opened={pick !== undefined}
      onClose={close}
      title={commit ? t.confirmCommit : t.confirmRollback}
      size="md"
    >
      {pick !== undefined && (
        <Stack data-testid="resolve-dialog">
          <Text size="sm" ff="monospace">
            {pick.half.msgId}
          </Text>
          <Text size="sm">
            {commit ? fmt(t.commitEffect, { topic: pick.half.topic }) : t.rollbackEffect}
          </Text>
          {error !== undefined && <Alert color="red">{error}</Alert>}
          <FormActions>
            <Button variant="default" onClick={close}>
              {c.cancel}
            </Button>
            <WriteButton
              color={commit ? 'blue' : 'red'}
              onClick={send}
              data-testid="resolve-confirm"
            >
              {commit ? t.commit : t.rollback}
            </WriteButton>
          </FormActions>
        </Stack>
      )}
    </FormDialog>
  );
}
