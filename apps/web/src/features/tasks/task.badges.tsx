'use client';

import { Badge } from '@mantine/core';
import { useTranslations } from 'next-intl';
import { isTaskPriority, isTaskStatus, type TaskPriority, type TaskStatus } from './task.model';

export const STATUS_COLOR: Record<TaskStatus, string> = {
  pending: 'yellow',
  scheduled: 'grape',
  in_progress: 'blue',
  completed: 'green',
  cancelled: 'gray',
};

const PRIORITY_COLOR: Record<TaskPriority, string> = { low: 'gray', normal: 'blue', high: 'red' };

export function TaskStatusBadge({ status }: { status: string }) {
  const t = useTranslations('tasks');
  if (!isTaskStatus(status)) return <Badge variant="light">{status}</Badge>;
  return (
    <Badge variant="light" color={STATUS_COLOR[status]}>
      {t(`statuses.${status}`)}
    </Badge>
  );
}

export function TaskPriorityBadge({ priority }: { priority: string }) {
  const t = useTranslations('tasks');
  if (!isTaskPriority(priority)) return null;
  return (
    <Badge variant="outline" color={PRIORITY_COLOR[priority]}>
      {t('priorityLabel', { priority: t(`priority.${priority}`) })}
    </Badge>
  );
}
