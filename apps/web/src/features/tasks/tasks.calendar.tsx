'use client';

import { ActionIcon, Box, Group, Paper, SimpleGrid, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useLocale, useTranslations } from 'next-intl';
import type { AppLocale } from '@/lib/i18n/locales';
import { STATUS_COLOR } from './task.badges';
import { isTaskStatus, type Task } from './task.model';

const INTL_LOCALES: Record<AppLocale, string> = { ru: 'ru-RU', en: 'en-GB' };

/** The first day of a month, local time. */
export function monthStart(date: Date): Date {
  return new Date(date.getFullYear(), date.getMonth(), 1);
}

export function addMonths(date: Date, months: number): Date {
  return new Date(date.getFullYear(), date.getMonth() + months, 1);
}

/** The Monday-first weeks that cover a month, as local dates. */
export function monthGrid(month: Date): Date[] {
  const first = monthStart(month);
  const offset = (first.getDay() + 6) % 7;
  const start = new Date(first.getFullYear(), first.getMonth(), 1 - offset);
  const last = new Date(first.getFullYear(), first.getMonth() + 1, 0);
  const days = offset + last.getDate();
  const cells = Math.ceil(days / 7) * 7;
  return Array.from(
    { length: cells },
    (_, index) => new Date(start.getFullYear(), start.getMonth(), start.getDate() + index),
  );
}

export function dayKey(date: Date): string {
  const pad = (part: number) => String(part).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export interface TasksCalendarProps {
  month: Date;
  tasks: readonly Task[];
  onMonthChange: (month: Date) => void;
  onOpen: (taskId: string) => void;
}

/** A month of tasks by their due date (the list asks only for tasks due within the shown weeks). */
export function TasksCalendar({ month, tasks, onMonthChange, onOpen }: TasksCalendarProps) {
  const t = useTranslations('tasks');
  const locale = useLocale() as AppLocale;
  const intl = INTL_LOCALES[locale];
  const days = monthGrid(month);
  const byDay = new Map<string, Task[]>();
  for (const task of tasks) {
    if (!task.dueAt) continue;
    const key = dayKey(new Date(task.dueAt));
    byDay.set(key, [...(byDay.get(key) ?? []), task]);
  }
  const weekdays = days.slice(0, 7).map((day) => new Intl.DateTimeFormat(intl, { weekday: 'short' }).format(day));
  const title = new Intl.DateTimeFormat(intl, { month: 'long', year: 'numeric' }).format(month);
  const today = dayKey(new Date());

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <ActionIcon
          variant="default"
          size="lg"
          onClick={() => onMonthChange(addMonths(month, -1))}
          aria-label={t('calendar.previous')}
        >
          ‹
        </ActionIcon>
        <Title order={2} size="h4" aria-live="polite">
          {title}
        </Title>
        <ActionIcon
          variant="default"
          size="lg"
          onClick={() => onMonthChange(addMonths(month, 1))}
          aria-label={t('calendar.next')}
        >
          ›
        </ActionIcon>
      </Group>
      <Box style={{ overflowX: 'auto' }}>
        <SimpleGrid cols={7} spacing={4} miw={560} role="grid" aria-label={title}>
          {weekdays.map((weekday) => (
            <Text key={weekday} size="xs" c="dimmed" ta="center" role="columnheader">
              {weekday}
            </Text>
          ))}
          {days.map((day) => {
            const key = dayKey(day);
            const inMonth = day.getMonth() === month.getMonth();
            const items = byDay.get(key) ?? [];
            return (
              <Paper
                key={key}
                withBorder
                p={4}
                mih={84}
                role="gridcell"
                aria-label={new Intl.DateTimeFormat(intl, { dateStyle: 'full' }).format(day)}
                bg={key === today ? 'var(--mantine-color-blue-light)' : undefined}
                style={{ opacity: inMonth ? 1 : 0.55 }}
              >
                <Text size="xs" fw={key === today ? 700 : 400}>
                  {day.getDate()}
                </Text>
                <Stack gap={2}>
                  {items.map((task) => (
                    <UnstyledButton
                      key={task.id}
                      onClick={() => onOpen(task.id)}
                      px={4}
                      style={{
                        borderLeft: `3px solid var(--mantine-color-${isTaskStatus(task.statusCode) ? STATUS_COLOR[task.statusCode] : 'gray'}-6)`,
                      }}
                      aria-label={t('board.open', { title: task.title })}
                    >
                      <Text size="xs" lineClamp={2}>
                        {task.title}
                      </Text>
                    </UnstyledButton>
                  ))}
                </Stack>
              </Paper>
            );
          })}
        </SimpleGrid>
      </Box>
    </Stack>
  );
}
