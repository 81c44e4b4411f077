'use client';

import { Button, Group, Loader, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useTranslations } from 'next-intl';
import { useMemo, useState } from 'react';
import { LoadError } from '@/components/load-error';
import { TaskCreateDialog } from '@/features/tasks/task-create.dialog';
import { TaskDetailDrawer } from '@/features/tasks/task-detail.drawer';
import { TaskFeedCard } from '@/features/tasks/task-feed.card';
import { useTaskStatusChange } from '@/features/tasks/task-status.change';
import { TasksBoard } from '@/features/tasks/tasks.board';
import { monthGrid, monthStart, TasksCalendar } from '@/features/tasks/tasks.calendar';
import {
  DEFAULT_TASK_FILTERS,
  type TasksFilterState,
  TasksFilters,
  toTaskFilters,
} from '@/features/tasks/tasks.filters';
import { TasksExportLinks } from '@/features/tasks/tasks-export.links';
import { useTasksStream } from '@/features/tasks/use-tasks-stream';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import { useMe } from '@/lib/queries';
import { TASKS_PAGE_LIMIT, useTasks } from '@/lib/queries/tasks.queries';

type View = 'board' | 'calendar';

/** "My tasks": a board by status or a month calendar, filters, export, the iCal feed. */
export function TasksScreen() {
  const t = useTranslations('tasks');
  const me = useMe();
  const { describe } = useErrorMessages();
  const [view, setView] = useState<View>('board');
  const [filterState, setFilterState] = useState<TasksFilterState>(DEFAULT_TASK_FILTERS);
  const [month, setMonth] = useState(() => monthStart(new Date()));
  const [openTaskId, setOpenTaskId] = useState<string | null>(null);
  const [createOpen, setCreateOpen] = useState(false);
  const statusChange = useTaskStatusChange();
  useTasksStream();

  // The due bounds are fixed when the filters change, not at every render.
  const filters = useMemo(() => toTaskFilters(filterState, me.data?.id, new Date()), [filterState, me.data?.id]);
  const calendarFilters = useMemo(() => {
    const days = monthGrid(month);
    const first = days[0] ?? month;
    const last = days[days.length - 1] ?? month;
    const end = new Date(last.getFullYear(), last.getMonth(), last.getDate() + 1);
    return { ...filters, dueAfter: new Date(first.getTime() - 1).toISOString(), dueBefore: end.toISOString() };
  }, [filters, month]);

  const active = view === 'board' ? filters : calendarFilters;
  const tasks = useTasks(active, { enabled: Boolean(me.data) });
  const items = tasks.data ?? [];

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Stack gap={4}>
          <Title order={1}>{t('title')}</Title>
          <Text c="dimmed">{t('subtitle')}</Text>
        </Stack>
        <Group gap="sm" wrap="wrap">
          <TasksExportLinks filters={filters} />
          <Button onClick={() => setCreateOpen(true)}>{t('create.open')}</Button>
        </Group>
      </Group>

      <TasksFilters value={filterState} onChange={setFilterState} />
      {view === 'board' && (
        <Text size="sm" c="dimmed">
          {t('board.dropHint')}
        </Text>
      )}

      <Group justify="space-between" wrap="wrap">
        <SegmentedControl
          aria-label={t('view.label')}
          value={view}
          onChange={(value) => setView(value === 'calendar' ? 'calendar' : 'board')}
          data={[
            { value: 'board', label: t('view.board') },
            { value: 'calendar', label: t('view.calendar') },
          ]}
        />
        {tasks.isFetching && <Loader size="sm" aria-label={t('loading')} />}
      </Group>

      {tasks.isError && (
        <LoadError
          title={t('loadFailed')}
          message={describe(tasks.error)}
          retryLabel={t('retry')}
          onRetry={() => tasks.refetch()}
        />
      )}
      {tasks.isPending && !tasks.isError && <Loader aria-label={t('loading')} />}

      {tasks.data && view === 'board' && items.length === 0 && (
        <Text c="dimmed" role="status">
          {t('empty')}
        </Text>
      )}
      {tasks.data && view === 'board' && items.length > 0 && (
        <TasksBoard tasks={items} onOpen={setOpenTaskId} onMove={statusChange.request} statuses={filterState.status} />
      )}
      {tasks.data && view === 'calendar' && (
        <TasksCalendar month={month} tasks={items} onMonthChange={setMonth} onOpen={setOpenTaskId} />
      )}
      {items.length >= TASKS_PAGE_LIMIT && (
        <Text size="sm" c="dimmed" role="status">
          {t('truncated', { count: TASKS_PAGE_LIMIT })}
        </Text>
      )}

      <TaskFeedCard />

      <TaskCreateDialog
        opened={createOpen}
        onClose={() => setCreateOpen(false)}
        onCreated={(task) => setOpenTaskId(task.id)}
      />
      <TaskDetailDrawer taskId={openTaskId} onClose={() => setOpenTaskId(null)} />
      {statusChange.dialog}
    </Stack>
  );
}
