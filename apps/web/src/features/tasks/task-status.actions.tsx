'use client';

import { Button, Group } from '@mantine/core';
import { useTranslations } from 'next-intl';
import { allowedTransitions, type Task, type TaskStatus } from './task.model';
import { useTaskStatusChange } from './task-status.change';

const ACTION_COLOR: Record<TaskStatus, string> = {
  pending: 'gray',
  scheduled: 'grape',
  in_progress: 'blue',
  completed: 'green',
  cancelled: 'red',
};

export interface TaskStatusActionsProps {
  task: Pick<Task, 'id' | 'title' | 'statusCode'>;
  size?: 'xs' | 'sm';
}

/**
 * One button per transition the task's status allows (domain.md §3.5); scheduling asks for the
 * moment, cancelling for a reason. Final statuses offer nothing.
 */
export function TaskStatusActions({ task, size = 'xs' }: TaskStatusActionsProps) {
  const t = useTranslations('tasks');
  const { request, pending, dialog } = useTaskStatusChange();
  const transitions = allowedTransitions(task.statusCode);
  if (transitions.length === 0) return null;

  return (
    <>
      <Group gap="xs" wrap="wrap" role="group" aria-label={t('status.actionsFor', { title: task.title })}>
        {transitions.map((to) => (
          <Button
            key={to}
            size={size}
            variant={to === 'completed' || to === 'in_progress' ? 'filled' : 'light'}
            color={ACTION_COLOR[to]}
            loading={pending?.to === to}
            disabled={pending !== null}
            onClick={() => request(task, to)}
          >
            {t(`actions.${to}`)}
          </Button>
        ))}
      </Group>
      {dialog}
    </>
  );
}
