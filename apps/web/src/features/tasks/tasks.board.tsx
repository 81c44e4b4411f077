'use client';

import {
  type Announcements,
  DndContext,
  type DragEndEvent,
  type KeyboardCoordinateGetter,
  KeyboardSensor,
  PointerSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import { ActionIcon, Badge, Card, Group, Paper, SimpleGrid, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useLocale, useTranslations } from 'next-intl';
import type { ReactNode } from 'react';
import { formatDateTime } from '@/lib/format';
import type { AppLocale } from '@/lib/i18n/locales';
import { TaskPriorityBadge } from './task.badges';
import { isOverdue, isTaskStatus, TASK_STATUSES, type Task, type TaskStatus } from './task.model';

export interface TasksBoardProps {
  tasks: readonly Task[];
  onOpen: (taskId: string) => void;
  /** A card dropped on another column; the caller checks the transition and asks what it needs. */
  onMove?: (task: Task, to: TaskStatus) => void;
  /** Statuses the filters leave visible; all five columns otherwise. */
  statuses?: readonly TaskStatus[];
}

/**
 * With the keyboard, the arrows jump from column to column (instead of moving the card by a few
 * pixels): the column to the left/right in reading order.
 */
const columnCoordinates: KeyboardCoordinateGetter = (event, { context }) => {
  const forward = event.code === 'ArrowRight' || event.code === 'ArrowDown';
  const backward = event.code === 'ArrowLeft' || event.code === 'ArrowUp';
  if ((!forward && !backward) || !context.collisionRect) return undefined;
  event.preventDefault();
  const columns = context.droppableContainers
    .getEnabled()
    .map((container) => ({ id: container.id, rect: context.droppableRects.get(container.id) }))
    .filter((entry): entry is { id: typeof entry.id; rect: NonNullable<typeof entry.rect> } => entry.rect !== undefined)
    .sort((a, b) => a.rect.top - b.rect.top || a.rect.left - b.rect.left);
  if (columns.length === 0) return undefined;
  const overIndex = columns.findIndex((column) => column.id === context.over?.id);
  const next = columns[Math.max(0, Math.min(columns.length - 1, overIndex + (forward ? 1 : -1)))];
  if (!next) return undefined;
  return { x: next.rect.left + 8, y: next.rect.top + 8 };
};

/** Columns by status. A card opens the task; its handle drags it to another status. */
export function TasksBoard({ tasks, onOpen, onMove, statuses }: TasksBoardProps) {
  const t = useTranslations('tasks');
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: columnCoordinates }),
  );
  const columns = statuses && statuses.length > 0 ? TASK_STATUSES.filter((s) => statuses.includes(s)) : TASK_STATUSES;
  const titleOf = (id: string | number) => tasks.find((task) => task.id === id)?.title ?? '';
  const columnName = (id: string | number | undefined) =>
    typeof id === 'string' && isTaskStatus(id) ? t(`statuses.${id}`) : '';
  const announcements: Announcements = {
    onDragStart: ({ active }) => t('dnd.picked', { title: titleOf(active.id) }),
    onDragOver: ({ active, over }) =>
      over ? t('dnd.over', { title: titleOf(active.id), column: columnName(over.id) }) : undefined,
    onDragEnd: ({ active, over }) =>
      over ? t('dnd.dropped', { title: titleOf(active.id), column: columnName(over.id) }) : t('dnd.cancelled'),
    onDragCancel: () => t('dnd.cancelled'),
  };

  const dragEnd = ({ active, over }: DragEndEvent) => {
    const task = tasks.find((candidate) => candidate.id === active.id);
    const to = over?.id;
    if (!task || typeof to !== 'string' || !isTaskStatus(to) || to === task.statusCode) return;
    onMove?.(task, to);
  };

  return (
    <DndContext
      sensors={sensors}
      onDragEnd={dragEnd}
      accessibility={{ announcements, screenReaderInstructions: { draggable: t('board.dropHint') } }}
    >
      <SimpleGrid cols={{ base: 1, sm: 2, lg: columns.length }} spacing="md">
        {columns.map((status) => (
          <BoardColumn
            key={status}
            status={status}
            tasks={tasks.filter((task) => task.statusCode === status)}
            onOpen={onOpen}
            draggable={Boolean(onMove)}
          />
        ))}
      </SimpleGrid>
    </DndContext>
  );
}

function BoardColumn({
  status,
  tasks,
  onOpen,
  draggable,
}: {
  status: TaskStatus;
  tasks: readonly Task[];
  onOpen: (taskId: string) => void;
  draggable: boolean;
}) {
  const t = useTranslations('tasks');
  const { setNodeRef, isOver } = useDroppable({ id: status });
  const headingId = `tasks-column-${status}`;
  return (
    <Paper
      ref={setNodeRef}
      withBorder
      p="sm"
      radius="md"
      component="section"
      aria-labelledby={headingId}
      bg={isOver ? 'var(--mantine-color-blue-light)' : undefined}
    >
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h5" id={headingId}>
          {t(`statuses.${status}`)}
        </Title>
        <Badge variant="light" color="gray" aria-label={t('board.count', { count: tasks.length })}>
          {tasks.length}
        </Badge>
      </Group>
      {tasks.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('board.emptyColumn')}
        </Text>
      ) : (
        <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {tasks.map((task) => (
            <li key={task.id}>
              {draggable ? <DraggableCard task={task} onOpen={onOpen} /> : <TaskCard task={task} onOpen={onOpen} />}
            </li>
          ))}
        </Stack>
      )}
    </Paper>
  );
}

function DraggableCard({ task, onOpen }: { task: Task; onOpen: (taskId: string) => void }) {
  const t = useTranslations('tasks');
  const final = task.statusCode === 'completed' || task.statusCode === 'cancelled';
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({ id: task.id, disabled: final });
  const style = transform
    ? { transform: `translate3d(${transform.x}px, ${transform.y}px, 0)`, zIndex: 10, position: 'relative' as const }
    : undefined;
  return (
    <div ref={setNodeRef} style={{ ...style, opacity: isDragging ? 0.85 : 1 }}>
      <TaskCard
        task={task}
        onOpen={onOpen}
        handle={
          final ? null : (
            <ActionIcon
              variant="subtle"
              color="gray"
              size="sm"
              aria-label={t('board.move', { title: task.title })}
              style={{ cursor: 'grab', touchAction: 'none' }}
              {...attributes}
              {...listeners}
            >
              ⠿
            </ActionIcon>
          )
        }
      />
    </div>
  );
}

export function TaskCard({
  task,
  onOpen,
  handle,
}: {
  task: Task;
  onOpen: (taskId: string) => void;
  handle?: ReactNode;
}) {
  const t = useTranslations('tasks');
  const locale = useLocale() as AppLocale;
  const overdue = isOverdue(task);
  return (
    <Card withBorder padding="xs" radius="sm">
      <Group gap={4} wrap="nowrap" align="flex-start">
        {handle}
        <UnstyledButton
          onClick={() => onOpen(task.id)}
          style={{ flex: 1, minWidth: 0 }}
          aria-label={t('board.open', { title: task.title })}
        >
          <Stack gap={4}>
            <Text fw={500} size="sm" lineClamp={2}>
              {task.title}
            </Text>
            <Group gap={6} wrap="wrap">
              <TaskPriorityBadge priority={task.priority} />
              {task.dueAt && (
                <Text size="xs" c={overdue ? 'red' : 'dimmed'}>
                  {overdue
                    ? t('board.overdue', { due: formatDateTime(task.dueAt, locale) })
                    : formatDateTime(task.dueAt, locale)}
                </Text>
              )}
            </Group>
          </Stack>
        </UnstyledButton>
      </Group>
    </Card>
  );
}
