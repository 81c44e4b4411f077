'use client';

import { useTranslations } from 'next-intl';
import { queryKeys } from '@/lib/queries/query-keys';
import { type StreamEvent, useEventStream } from '@/lib/stream';

const TASK_LISTS = [queryKeys.tasks] as const;

function subjectOf(event: StreamEvent): string | null {
  const data = event.data;
  return typeof data === 'object' && data !== null && 'subject' in data && typeof data.subject === 'string'
    ? data.subject
    : null;
}

/** Live task lists: every task event refreshes the cached tasks; reminders also pop up a toast. */
export function useTasksStream(options: { notify?: boolean } = {}) {
  const t = useTranslations('tasks.stream');
  return useEventStream('tasks', {
    invalidate: {
      'task.created': TASK_LISTS,
      'task.status.changed': TASK_LISTS,
      'task.assigned': TASK_LISTS,
      'task.escalated': TASK_LISTS,
      'task.reminder': TASK_LISTS,
    },
    notify: (event) => {
      if (options.notify === false) return null;
      if (event.type === 'task.reminder') {
        return { title: t('reminderTitle'), message: subjectOf(event) ?? t('reminderText'), color: 'blue' };
      }
      if (event.type === 'task.escalated') {
        return { title: t('escalatedTitle'), message: t('escalatedText'), color: 'orange' };
      }
      return null;
    },
  });
}
