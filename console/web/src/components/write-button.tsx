// A button that changes the cluster. Read-only users see it disabled, with the reason on hover,
// rather than clicking and getting a 403.
import { Button, type ButtonProps, Tooltip } from '@mantine/core';
import type { ReactNode } from 'react';
import { useT } from '../i18n.js';
import { useIsAdmin } from '../session.js';
import { common } from './common.i18n.js';

interface Props extends ButtonProps {
  onClick: () => void;
  children: ReactNode;
  'data-testid'?: string;
}

export function WriteButton({ onClick, children, ...rest }: Props) {
  const admin = useIsAdmin();
  const t = useT(common);
  if (admin) {
    return (
      <Button onClick={onClick} {...rest}>
        {children}
      </Button>
    );
  }
  return (
    <Tooltip label={t.readOnly}>
      <span>
        {/* After rest: a caller's own disabled={false} must not enable it. */}
        <Button {...rest} disabled>
          {children}
        </Button>
      </span>
    </Tooltip>
  );
}
