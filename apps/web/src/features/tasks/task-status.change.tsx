'use client';

import { Alert, Button, Group, Modal, Stack, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslations } from 'next-intl';
import { type FormEvent, type ReactNode, useState } from 'react';
import { isApiError } from '@/lib/api';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import { useChangeTaskStatus } from '@/lib/queries/tasks.queries';
import { allowedTransitions, isValidCancelReason, localInputToIso, type Task, type TaskStatus } from './task.model';

type TaskRef = Pick<Task, 'id' | 'title' | 'statusCode'>;

export interface TaskStatusChange {
  /** Moves a task: at once, or through a dialog for the moment (scheduled) or the reason (cancelled). */
  request: (task: TaskRef, to: TaskStatus) => void;
  /** The transition on its way to the server. */
  pending: { taskId: string; to: TaskStatus } | null;
  /** The scheduling / cancelling dialog; render it once. */
  dialog: ReactNode;
}

/** Status changes shared by the buttons of a task and the board's drag and drop. */
export function useTaskStatusChange(): TaskStatusChange {
  const t = useTranslations('tasks');
  const change = useChangeTaskStatus();
  const { describe } = useErrorMessages();
  const [target, setTarget] = useState<{ task: TaskRef; to: 'scheduled' | 'cancelled' } | null>(null);
  const [opened, setOpened] = useState(false);
  const [reason, setReason] = useState('');
  const [when, setWhen] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);

  const explain = (error: unknown) =>
    isApiError(error) && error.code === 'invalid_status_transition' ? t('errors.invalidTransition') : describe(error);
  const done = (task: TaskRef, to: TaskStatus) => {
    setOpened(false);
    notifications.show({
      color: 'green',
      message: t('status.changed', { title: task.title, status: t(`statuses.${to}`) }),
    });
  };

  const request = (task: TaskRef, to: TaskStatus) => {
    if (!allowedTransitions(task.statusCode).includes(to)) {
      notifications.show({
        color: 'orange',
        title: t('status.changeFailed'),
        message: t('status.notAllowed', {
          from: t(`statuses.${task.statusCode}`),
          to: t(`statuses.${to}`),
        }),
      });
      return;
    }
    if (to === 'scheduled' || to === 'cancelled') {
      change.reset();
      setReason('');
      setWhen('');
      setFieldError(null);
      setTarget({ task, to });
      setOpened(true);
      return;
    }
    change.mutate(
      { taskId: task.id, to },
      {
        onSuccess: () => done(task, to),
        onError: (error) =>
          notifications.show({ color: 'red', title: t('status.changeFailed'), message: explain(error) }),
      },
    );
  };

  const confirm = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!target) return;
    const { task, to } = target;
    setFieldError(null);
    // Errors of the server stay in the dialog, next to the form.
    const stay = () => undefined;
    if (to === 'cancelled') {
      if (!isValidCancelReason(reason)) {
        setFieldError(t('status.reasonRequired'));
        return;
      }
      change.mutate({ taskId: task.id, to, reason: reason.trim() }, { onSuccess: () => done(task, to), onError: stay });
      return;
    }
    const scheduledFor = localInputToIso(when);
    if (!scheduledFor) {
      setFieldError(t('status.whenRequired'));
      return;
    }
    change.mutate({ taskId: task.id, to, scheduledFor }, { onSuccess: () => done(task, to), onError: stay });
  };

  const cancelling = target?.to === 'cancelled';
  const dialog = (
    <Modal
      opened={opened}
      onClose={() => setOpened(false)}
      title={cancelling ? t('status.cancelTitle') : t('status.scheduleTitle')}
      centered
    >
      <form onSubmit={confirm} noValidate>
        <Stack gap="md">
          {cancelling ? (
            <Textarea
              label={t('fields.cancelledReason')}
              withAsterisk
              autosize
              minRows={2}
              value={reason}
              onChange={(event) => setReason(event.currentTarget.value)}
              error={fieldError}
              data-autofocus
            />
          ) : (
            <TextInput
              label={t('fields.scheduledFor')}
              type="datetime-local"
              withAsterisk
              value={when}
              onChange={(event) => setWhen(event.currentTarget.value)}
              error={fieldError}
              data-autofocus
            />
          )}
          {change.isError && !fieldError && (
            <Alert color="red" variant="light" role="alert">
              {explain(change.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpened(false)}>
              {t('back')}
            </Button>
            <Button type="submit" color={cancelling ? 'red' : undefined} loading={change.isPending}>
              {cancelling ? t('actions.cancelled') : t('actions.scheduled')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );

  const pending =
    change.isPending && change.variables ? { taskId: change.variables.taskId, to: change.variables.to } : null;
  return { request, pending, dialog };
}
