'use client';

import { Button, Group } from '@mantine/core';
import { useTranslations } from 'next-intl';
import { useApiClient } from '@/lib/api';
import { taskExportUrl } from '@/lib/queries/tasks.queries';
import { TASK_EXPORT_FORMATS, type TaskFilters } from './task.model';

/** Downloads of the filtered list: plain links, the session cookie goes along. */
export function TasksExportLinks({ filters }: { filters: TaskFilters }) {
  const t = useTranslations('tasks');
  const client = useApiClient();
  return (
    <Group gap="xs" role="group" aria-label={t('export.label')}>
      {TASK_EXPORT_FORMATS.map((format) => (
        <Button
          key={format}
          component="a"
          href={taskExportUrl(client, filters, format)}
          variant="default"
          size="sm"
          download
        >
          {t(`export.${format}`)}
        </Button>
      ))}
    </Group>
  );
}
