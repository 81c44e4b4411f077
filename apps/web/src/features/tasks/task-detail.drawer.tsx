'use client';

import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Divider,
  Drawer,
  Group,
  Loader,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import Link from 'next/link';
import { useLocale, useTranslations } from 'next-intl';
import { type FormEvent, type ReactNode, useState } from 'react';
import { LoadError } from '@/components/load-error';
import { isApiError } from '@/lib/api';
import { formatDateTime } from '@/lib/format';
import type { AppLocale } from '@/lib/i18n/locales';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import {
  useAddComment,
  useAddReminder,
  useDeleteReminder,
  useDirectory,
  useTask,
  useTaskActivity,
  useTaskReminders,
} from '@/lib/queries/tasks.queries';
import { TaskPriorityBadge, TaskStatusBadge } from './task.badges';
import { localInputToIso, REMINDER_CHANNELS, type ReminderChannel, taskCommentRequestSchema } from './task.model';
import { TaskStatusActions } from './task-status.actions';

export interface TaskDetailDrawerProps {
  taskId: string | null;
  onClose: () => void;
}

/** A task's card: details, status changes, comments and reminders. */
export function TaskDetailDrawer({ taskId, onClose }: TaskDetailDrawerProps) {
  const t = useTranslations('tasks');
  const locale = useLocale() as AppLocale;
  const narrow = useMediaQuery('(max-width: 48em)');
  const task = useTask(taskId);
  const directory = useDirectory();
  const { describe } = useErrorMessages();
  const person = (id: string | null | undefined) => {
    if (!id) return t('nobody');
    const entry = directory.data?.find((candidate) => candidate.id === id);
    return entry ? (entry.fullName ?? entry.email) : t('unknownPerson');
  };

  return (
    <Drawer
      opened={taskId !== null}
      onClose={onClose}
      position="right"
      size={narrow ? '100%' : 'lg'}
      title={t('detail.title')}
    >
      {task.isPending && taskId !== null && <Loader aria-label={t('loading')} />}
      {task.isError && (
        <LoadError
          title={t('detail.loadFailed')}
          message={describe(task.error)}
          retryLabel={t('retry')}
          onRetry={() => task.refetch()}
        />
      )}
      {task.data && (
        <Stack gap="md">
          <Stack gap={6}>
            <Title order={2} size="h3">
              {task.data.title}
            </Title>
            <Group gap="xs">
              <TaskStatusBadge status={task.data.statusCode} />
              <TaskPriorityBadge priority={task.data.priority} />
            </Group>
          </Stack>
          {task.data.description && <Text style={{ whiteSpace: 'pre-wrap' }}>{task.data.description}</Text>}
          <Stack component="dl" gap={4} m={0}>
            <Fact label={t('fields.assignee')} value={person(task.data.assigneeId)} />
            <Fact label={t('fields.author')} value={person(task.data.authorId)} />
            <Fact
              label={t('fields.due')}
              value={task.data.dueAt ? formatDateTime(task.data.dueAt, locale) : t('noDue')}
            />
            {task.data.scheduledFor && (
              <Fact label={t('fields.scheduledFor')} value={formatDateTime(task.data.scheduledFor, locale)} />
            )}
            {task.data.completedAt && (
              <Fact label={t('fields.completedAt')} value={formatDateTime(task.data.completedAt, locale)} />
            )}
            {task.data.cancelledReason && (
              <Fact label={t('fields.cancelledReason')} value={task.data.cancelledReason} />
            )}
            {task.data.dealId && (
              <Fact
                label={t('fields.deal')}
                value={
                  <Anchor component={Link} href={`/deals/${task.data.dealId}`}>
                    {t('detail.openDeal')}
                  </Anchor>
                }
              />
            )}
          </Stack>
          <TaskStatusActions task={task.data} size="sm" />
          <Divider />
          <ReminderForm taskId={task.data.id} />
          <Divider />
          <TaskComments taskId={task.data.id} person={person} />
        </Stack>
      )}
    </Drawer>
  );
}

function Fact({ label, value }: { label: string; value: ReactNode }) {
  return (
    <Group gap="xs" wrap="nowrap" align="baseline">
      <Text component="dt" c="dimmed" size="sm" miw={140}>
        {label}
      </Text>
      <Text component="dd" size="sm" m={0}>
        {value}
      </Text>
    </Group>
  );
}

function ReminderForm({ taskId }: { taskId: string }) {
  const t = useTranslations('tasks');
  const locale = useLocale() as AppLocale;
  const reminders = useTaskReminders(taskId);
  const remove = useDeleteReminder();
  const add = useAddReminder();
  const { describe } = useErrorMessages();
  const [when, setWhen] = useState('');
  const [channel, setChannel] = useState<ReminderChannel>('sse');
  const [error, setError] = useState<string | null>(null);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    const remindAt = localInputToIso(when);
    if (!remindAt) {
      setError(t('reminders.whenRequired'));
      return;
    }
    add.mutate(
      { taskId, remindAt, channel },
      {
        onSuccess: () => {
          setWhen('');
          notifications.show({ color: 'green', message: t('reminders.added') });
        },
        onError: (cause) => {
          if (isApiError(cause) && cause.code === 'reminder_exists') setError(t('reminders.exists'));
          else if (isApiError(cause) && cause.code === 'validation_error') setError(t('reminders.invalid'));
          else setError(describe(cause));
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate aria-labelledby={`reminder-${taskId}`}>
      <Stack gap="xs">
        <Text fw={600} id={`reminder-${taskId}`}>
          {t('reminders.title')}
        </Text>
        {reminders.data && reminders.data.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('reminders.empty')}
          </Text>
        )}
        {reminders.data && reminders.data.length > 0 && (
          <Stack gap={2} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {reminders.data.map((reminder) => {
              const when = formatDateTime(reminder.remindAt, locale);
              return (
                <Group key={reminder.id} component="li" gap="xs" wrap="nowrap">
                  <Text size="sm">
                    {when} · {t(`reminders.channels.${reminder.channel}`)}
                    {reminder.firedAt ? ` · ${t('reminders.fired')}` : ''}
                  </Text>
                  {!reminder.firedAt && (
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      size="sm"
                      aria-label={t('reminders.delete', { when })}
                      loading={remove.isPending && remove.variables?.reminderId === reminder.id}
                      onClick={() =>
                        remove.mutate(
                          { taskId, reminderId: reminder.id },
                          {
                            onError: (cause) =>
                              notifications.show({
                                color: 'red',
                                title: t('reminders.deleteFailed'),
                                message: describe(cause),
                              }),
                          },
                        )
                      }
                    >
                      ×
                    </ActionIcon>
                  )}
                </Group>
              );
            })}
          </Stack>
        )}
        <Group align="flex-end" gap="sm" wrap="wrap">
          <TextInput
            label={t('reminders.when')}
            type="datetime-local"
            value={when}
            onChange={(event) => setWhen(event.currentTarget.value)}
            error={error}
            miw={220}
          />
          <SegmentedControl
            aria-label={t('reminders.channel')}
            data={REMINDER_CHANNELS.map((value) => ({ value, label: t(`reminders.channels.${value}`) }))}
            value={channel}
            onChange={(value) => setChannel(value as ReminderChannel)}
          />
          <Button type="submit" variant="light" loading={add.isPending}>
            {t('reminders.add')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function TaskComments({ taskId, person }: { taskId: string; person: (id: string | null) => string }) {
  const t = useTranslations('tasks');
  const locale = useLocale() as AppLocale;
  const activity = useTaskActivity(taskId);
  const add = useAddComment();
  const { describe } = useErrorMessages();
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    if (!taskCommentRequestSchema.safeParse({ body }).success) {
      setError(t('comments.required'));
      return;
    }
    add.mutate({ taskId, body }, { onSuccess: () => setBody(''), onError: (cause) => setError(describe(cause)) });
  };

  const entries = activity.data ?? [];
  return (
    <Stack gap="sm">
      <Text fw={600}>{t('comments.title')}</Text>
      {activity.isPending && <Loader size="sm" aria-label={t('loading')} />}
      {activity.isError && (
        <Text size="sm" c="red" role="alert">
          {describe(activity.error)}
        </Text>
      )}
      {activity.data && entries.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('comments.empty')}
        </Text>
      )}
      {entries.length > 0 && (
        <Stack gap="xs" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {entries.map((entry) => (
            <li key={entry.id}>
              <Group gap="xs" wrap="wrap">
                <Text size="sm" fw={500}>
                  {person(entry.authorId)}
                </Text>
                <Text size="xs" c="dimmed">
                  {formatDateTime(entry.createdAt, locale)}
                </Text>
                {entry.eventType !== 'comment' && (
                  <Badge size="xs" variant="light" color="gray">
                    {activityLabel(t, entry.eventType)}
                  </Badge>
                )}
              </Group>
              {entry.body && (
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {entry.body}
                </Text>
              )}
            </li>
          ))}
        </Stack>
      )}
      <form onSubmit={submit} noValidate>
        <Stack gap="xs">
          <Textarea
            label={t('comments.new')}
            autosize
            minRows={2}
            value={body}
            onChange={(event) => setBody(event.currentTarget.value)}
            error={error}
          />
          <Group justify="flex-end">
            <Button type="submit" size="xs" loading={add.isPending}>
              {t('comments.add')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}

const ACTIVITY_TYPES = [
  'created',
  'status_changed',
  'assignee_changed',
  'due_changed',
  'updated',
  'escalated',
] as const;

function activityLabel(t: ReturnType<typeof useTranslations<'tasks'>>, eventType: string): string {
  return (ACTIVITY_TYPES as readonly string[]).includes(eventType)
    ? t(`activity.${eventType as (typeof ACTIVITY_TYPES)[number]}`)
    : eventType;
}
