'use client';

import { Group, MultiSelect, Select } from '@mantine/core';
import { useTranslations } from 'next-intl';
import { DealPicker } from './deal.picker';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskFilters, type TaskPriority, type TaskStatus } from './task.model';

export const DUE_PERIODS = ['any', 'overdue', 'today', 'week', 'month'] as const;
export type DuePeriod = (typeof DUE_PERIODS)[number];
export type AssigneeScope = 'me' | 'all';

export interface TasksFilterState {
  scope: AssigneeScope;
  status: TaskStatus[];
  priority: TaskPriority[];
  due: DuePeriod;
  dealId: string | null;
}

export const DEFAULT_TASK_FILTERS: TasksFilterState = {
  scope: 'me',
  status: [],
  priority: [],
  due: 'any',
  dealId: null,
};

/** The API's exclusive due bounds for a period, from the viewer's clock. */
export function dueBounds(period: DuePeriod, now: Date): Pick<TaskFilters, 'dueAfter' | 'dueBefore'> {
  const startOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const daysAhead = (days: number) =>
    new Date(startOfToday.getFullYear(), startOfToday.getMonth(), startOfToday.getDate() + days);
  const before = (date: Date) => new Date(date.getTime()).toISOString();
  const after = (date: Date) => new Date(date.getTime() - 1).toISOString();
  switch (period) {
    case 'overdue':
      return { dueBefore: now.toISOString() };
    case 'today':
      return { dueAfter: after(startOfToday), dueBefore: before(daysAhead(1)) };
    case 'week':
      return { dueAfter: after(startOfToday), dueBefore: before(daysAhead(7)) };
    case 'month':
      return { dueAfter: after(startOfToday), dueBefore: before(daysAhead(30)) };
    default:
      return {};
  }
}

/** The filter state as API filters; `me` is the signed-in user's id. */
export function toTaskFilters(state: TasksFilterState, me: string | undefined, now: Date): TaskFilters {
  return {
    assigneeId: state.scope === 'me' ? me : undefined,
    status: state.status.length > 0 ? state.status : undefined,
    priority: state.priority.length > 0 ? state.priority : undefined,
    dealId: state.dealId ?? undefined,
    ...dueBounds(state.due, now),
  };
}

export function TasksFilters({
  value,
  onChange,
}: {
  value: TasksFilterState;
  onChange: (next: TasksFilterState) => void;
}) {
  const t = useTranslations('tasks');
  return (
    <Group gap="md" align="flex-end" wrap="wrap" role="search" aria-label={t('filters.label')}>
      <Select
        label={t('filters.scope')}
        data={[
          { value: 'me', label: t('filters.scopeMe') },
          { value: 'all', label: t('filters.scopeAll') },
        ]}
        value={value.scope}
        onChange={(scope) => onChange({ ...value, scope: scope === 'all' ? 'all' : 'me' })}
        allowDeselect={false}
        w={{ base: '100%', xs: 200 }}
      />
      <MultiSelect
        label={t('filters.status')}
        placeholder={value.status.length === 0 ? t('filters.anyStatus') : undefined}
        data={TASK_STATUSES.map((status) => ({ value: status, label: t(`statuses.${status}`) }))}
        value={value.status}
        onChange={(status) => onChange({ ...value, status: status as TaskStatus[] })}
        clearable
        w={{ base: '100%', xs: 260 }}
      />
      <MultiSelect
        label={t('filters.priority')}
        placeholder={value.priority.length === 0 ? t('filters.anyPriority') : undefined}
        data={TASK_PRIORITIES.map((priority) => ({ value: priority, label: t(`priority.${priority}`) }))}
        value={value.priority}
        onChange={(priority) => onChange({ ...value, priority: priority as TaskPriority[] })}
        clearable
        w={{ base: '100%', xs: 220 }}
      />
      <Select
        label={t('filters.due')}
        data={DUE_PERIODS.map((period) => ({ value: period, label: t(`filters.periods.${period}`) }))}
        value={value.due}
        onChange={(due) => onChange({ ...value, due: (due as DuePeriod | null) ?? 'any' })}
        allowDeselect={false}
        w={{ base: '100%', xs: 200 }}
      />
      <DealPicker
        value={value.dealId}
        onChange={(dealId) => onChange({ ...value, dealId })}
        label={t('filters.deal')}
      />
    </Group>
  );
}
