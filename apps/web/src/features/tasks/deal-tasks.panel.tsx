'use client';

import { Anchor, Button, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useLocale, useTranslations } from 'next-intl';
import { useMemo, useState } from 'react';
import { LoadError } from '@/components/load-error';
import { formatDateTime } from '@/lib/format';
import type { AppLocale } from '@/lib/i18n/locales';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import { useDirectory, useTasks } from '@/lib/queries/tasks.queries';
import { TaskPriorityBadge, TaskStatusBadge } from './task.badges';
import { isOverdue } from './task.model';
import { TaskCreateDialog } from './task-create.dialog';
import { TaskDetailDrawer } from './task-detail.drawer';
import { TaskStatusActions } from './task-status.actions';

export interface DealTasksPanelProps {
  dealId: string;
}

/**
 * The tasks of one deal for its card: set a task for an executor ("prepare calculations"), move
 * tasks through their statuses, open one for comments and reminders.
 */
export function DealTasksPanel({ dealId }: DealTasksPanelProps) {
  const t = useTranslations('tasks');
  const locale = useLocale() as AppLocale;
  const { describe } = useErrorMessages();
  const filters = useMemo(() => ({ dealId }), [dealId]);
  const tasks = useTasks(filters);
  const directory = useDirectory();
  const [createOpen, setCreateOpen] = useState(false);
  const [openTaskId, setOpenTaskId] = useState<string | null>(null);
  const person = (id: string) => {
    const entry = directory.data?.find((candidate) => candidate.id === id);
    return entry ? (entry.fullName ?? entry.email) : t('unknownPerson');
  };
  const items = tasks.data ?? [];

  return (
    <Stack gap="sm" component="section" aria-labelledby={`deal-tasks-${dealId}`}>
      <Group justify="space-between" wrap="wrap">
        <Title order={2} size="h4" id={`deal-tasks-${dealId}`}>
          {t('panel.title')}
        </Title>
        <Button size="xs" onClick={() => setCreateOpen(true)}>
          {t('panel.create')}
        </Button>
      </Group>
      {tasks.isPending && <Loader size="sm" aria-label={t('loading')} />}
      {tasks.isError && (
        <LoadError
          title={t('loadFailed')}
          message={describe(tasks.error)}
          retryLabel={t('retry')}
          onRetry={() => tasks.refetch()}
        />
      )}
      {tasks.data && items.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('panel.empty')}
        </Text>
      )}
      {items.length > 0 && (
        <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {items.map((task) => (
            <Paper key={task.id} component="li" withBorder p="sm" radius="sm">
              <Stack gap={6}>
                <Group justify="space-between" wrap="wrap" gap="xs">
                  <Anchor component="button" type="button" fw={500} onClick={() => setOpenTaskId(task.id)}>
                    {task.title}
                  </Anchor>
                  <Group gap={6}>
                    <TaskStatusBadge status={task.statusCode} />
                    <TaskPriorityBadge priority={task.priority} />
                  </Group>
                </Group>
                <Text size="xs" c={isOverdue(task) ? 'red' : 'dimmed'}>
                  {t('panel.assignee', { name: person(task.assigneeId) })}
                  {task.dueAt ? ` · ${t('panel.due', { due: formatDateTime(task.dueAt, locale) })}` : ''}
                </Text>
                <TaskStatusActions task={task} />
              </Stack>
            </Paper>
          ))}
        </Stack>
      )}
      <TaskCreateDialog
        opened={createOpen}
        onClose={() => setCreateOpen(false)}
        dealId={dealId}
        defaultSubject={t('panel.defaultSubject')}
      />
      <TaskDetailDrawer taskId={openTaskId} onClose={() => setOpenTaskId(null)} />
    </Stack>
  );
}
