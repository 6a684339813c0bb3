// The modal every write form opens in: a translated close button, and the form mounted only
// while the dialog is open, so each opening starts from the form's initial state.
import { Modal, type ModalProps } from '@mantine/core';
import type { ReactNode } from 'react';
import { common } from '../components/common.i18n.js';
import { useT } from '../i18n.js';

export function FormDialog(props: {
  opened: boolean;
  title: string;
  onClose: () => void;
  size?: ModalProps['size'];
  children: ReactNode;
}) {
  const c = useT(common);
  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title={props.title}
      size={props.size ?? 'lg'}
      closeButtonProps={{ 'aria-label': c.close }}
    >
      {props.opened && props.children}
    </Modal>
  );
}
