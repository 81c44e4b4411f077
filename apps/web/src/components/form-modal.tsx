'use client';

import { Alert, Button, Group, Modal, type ModalProps, Stack } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useTranslations } from 'next-intl';
import type { FormEvent, ReactNode } from 'react';

/** A dialog that takes the whole screen on a phone. */
export function ResponsiveModal(props: ModalProps) {
  const narrow = useMediaQuery('(max-width: 36em)');
  return <Modal fullScreen={narrow} {...props} />;
}

export interface ModalFormProps {
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  onCancel: () => void;
  /** The error that belongs to no field, shown above the fields. */
  formError: string | null;
  submitLabel: ReactNode;
  pending: boolean;
  gap?: 'sm' | 'md';
  /** Shown above the form-level error, e.g. what the form acts on. */
  intro?: ReactNode;
  children: ReactNode;
}

/** The body of a form dialog: the fields between the form-level error and the cancel/submit buttons. */
export function ModalForm({
  onSubmit,
  onCancel,
  formError,
  submitLabel,
  pending,
  gap = 'sm',
  intro,
  children,
}: ModalFormProps) {
  const tc = useTranslations('common');
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap={gap}>
        {intro}
        {formError && (
          <Alert color="red" role="alert" variant="light">
            {formError}
          </Alert>
        )}
        {children}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {tc('cancel')}
          </Button>
          <Button type="submit" loading={pending}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export interface FormModalProps extends Omit<ModalFormProps, 'onCancel'> {
  opened: boolean;
  onClose: () => void;
  /** Runs once the closing animation is over: reset the form here, so it does not flash back empty. */
  onExited: () => void;
  title: ReactNode;
  size?: ModalProps['size'];
}

/** A form in a dialog; cancel closes it. */
export function FormModal({ opened, onClose, onExited, title, size, ...form }: FormModalProps) {
  return (
    <ResponsiveModal opened={opened} onClose={onClose} onExitTransitionEnd={onExited} title={title} size={size}>
      <ModalForm onCancel={onClose} {...form} />
    </ResponsiveModal>
  );
}
