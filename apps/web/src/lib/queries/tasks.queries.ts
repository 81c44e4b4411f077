'use client';

import { tasksQuerySchema } from '@polis/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  type CalendarToken,
  type CreateReminderInput,
  type CreateTaskInput,
  createReminderRequestSchema,
  createTaskRequestSchema,
  type Reminder,
  type Task,
  type TaskActivity,
  type TaskExportFormat,
  type TaskFilters,
  type TaskStatus,
  taskCommentRequestSchema,
  taskIdSchema,
  updateTaskRequestSchema,
} from '@/features/tasks/task.model';
import { type ApiClient, type QueryValue, useApi, useApiClient, validated } from '@/lib/api';
import { queryKeys } from './query-keys';

export interface FeedStatus {
  createdAt: string;
}

/** The most tasks one board or calendar asks for (the API's page limit). */
export const TASKS_PAGE_LIMIT = 200;

function taskPath(taskId: string, suffix = ''): string {
  return `/tasks/${encodeURIComponent(validated(taskIdSchema, taskId))}${suffix}`;
}

/** Query parameters of the task list, the export and the calendar feed from one set of filters. */
export function taskFilterQuery(filters: TaskFilters): Record<string, QueryValue> {
  return {
    assigneeId: filters.assigneeId,
    status: filters.status && filters.status.length > 0 ? filters.status : undefined,
    priority: filters.priority && filters.priority.length > 0 ? filters.priority : undefined,
    dealId: filters.dealId,
    dueAfter: filters.dueAfter,
    dueBefore: filters.dueBefore,
  };
}

/** A link that downloads the filtered list as CSV or XLSX (the Gateway answers with an attachment). */
export function taskExportUrl(client: ApiClient, filters: TaskFilters, format: TaskExportFormat): string {
  return client.url('/tasks/export', { format, ...taskFilterQuery(filters) });
}

/** Typed Tasks routes of the Gateway; bodies validated with the same schemas the service uses. */
export function tasksApi(client: ApiClient) {
  return {
    list: async (filters: TaskFilters, signal?: AbortSignal) => {
      const query = { ...taskFilterQuery(filters), limit: TASKS_PAGE_LIMIT };
      // Checked with the service's schema; sent as built (the parsed form has normalised instants).
      validated(tasksQuerySchema, Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined)));
      return client.request<Task[]>('GET', '/tasks', { query, signal });
    },
    get: async (taskId: string, signal?: AbortSignal) => client.request<Task>('GET', taskPath(taskId), { signal }),
    create: async (input: CreateTaskInput) =>
      client.request<Task>('POST', '/tasks', { body: validated(createTaskRequestSchema, input) }),
    setStatus: async (taskId: string, status: Extract<TaskStatus, 'pending' | 'in_progress'>) =>
      client.request<Task>('PATCH', taskPath(taskId), { body: validated(updateTaskRequestSchema, { status }) }),
    cancel: async (taskId: string, cancelledReason: string) =>
      client.request<Task>('PATCH', taskPath(taskId), {
        body: validated(updateTaskRequestSchema, { status: 'cancelled', cancelledReason }),
      }),
    schedule: async (taskId: string, scheduledFor: string) =>
      client.request<Task>('POST', taskPath(taskId, '/schedule'), { body: { scheduledFor } }),
    complete: async (taskId: string) => client.request<Task>('POST', taskPath(taskId, '/complete'), { body: {} }),
    activity: async (taskId: string, signal?: AbortSignal) =>
      client.request<TaskActivity[]>('GET', taskPath(taskId, '/activity'), { signal }),
    comment: async (taskId: string, body: string) =>
      client.request<TaskActivity>('POST', taskPath(taskId, '/comments'), {
        body: validated(taskCommentRequestSchema, { body }),
      }),
    reminders: async (taskId: string, signal?: AbortSignal) =>
      client.request<Reminder[]>('GET', taskPath(taskId, '/reminders'), { signal }),
    deleteReminder: async (taskId: string, reminderId: string) =>
      client.request<void>(
        'DELETE',
        taskPath(taskId, `/reminders/${encodeURIComponent(validated(taskIdSchema, reminderId))}`),
      ),
    addReminder: async (taskId: string, input: CreateReminderInput) =>
      client.request<Reminder>('POST', taskPath(taskId, '/reminders'), {
        body: validated(createReminderRequestSchema, input),
      }),
    /** When the caller's feed address was made, or null without one (204); the address itself is not kept. */
    feed: async (signal?: AbortSignal) =>
      (await client.request<FeedStatus | undefined>('GET', '/tasks/calendar/token', { signal })) ?? null,
    rotateFeed: async () => client.request<CalendarToken>('POST', '/tasks/calendar/token', { body: {} }),
    revokeFeed: async () => client.request<void>('DELETE', '/tasks/calendar/token'),
  };
}

export function useTasksApi() {
  return tasksApi(useApiClient());
}

export function useTasks(filters: TaskFilters, options: { enabled?: boolean } = {}) {
  const api = useTasksApi();
  return useQuery({
    queryKey: queryKeys.tasksList(filters),
    queryFn: ({ signal }) => api.list(filters, signal),
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
  });
}

export function useTask(taskId: string | null) {
  const api = useTasksApi();
  return useQuery({
    queryKey: queryKeys.task(taskId ?? ''),
    queryFn: ({ signal }) => api.get(taskId ?? '', signal),
    enabled: taskId !== null,
  });
}

export function useTaskActivity(taskId: string | null) {
  const api = useTasksApi();
  return useQuery({
    queryKey: queryKeys.taskActivity(taskId ?? ''),
    queryFn: ({ signal }) => api.activity(taskId ?? '', signal),
    enabled: taskId !== null,
  });
}

export function useTaskReminders(taskId: string | null) {
  const api = useTasksApi();
  return useQuery({
    queryKey: [...queryKeys.task(taskId ?? ''), 'reminders'],
    queryFn: ({ signal }) => api.reminders(taskId ?? '', signal),
    enabled: taskId !== null,
  });
}

/** People a task can be given to (every active user the directory lists). */
export function useDirectory() {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.directory,
    queryFn: ({ signal }) => api.users.directory(signal),
    staleTime: 300_000,
  });
}

/** Every task change refreshes all task lists and cards (a status moves a card between columns). */
function useTaskMutation<TInput, TResult>(mutationFn: (input: TInput) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.tasks }),
  });
}

export function useCreateTask() {
  const api = useTasksApi();
  return useTaskMutation((input: CreateTaskInput) => api.create(input));
}

export type StatusChange =
  | { taskId: string; to: 'pending' | 'in_progress' | 'completed' }
  | { taskId: string; to: 'scheduled'; scheduledFor: string }
  | { taskId: string; to: 'cancelled'; reason: string };

/** One transition through the route the service offers for it. */
export function useChangeTaskStatus() {
  const api = useTasksApi();
  return useTaskMutation((change: StatusChange) => {
    switch (change.to) {
      case 'completed':
        return api.complete(change.taskId);
      case 'scheduled':
        return api.schedule(change.taskId, change.scheduledFor);
      case 'cancelled':
        return api.cancel(change.taskId, change.reason);
      default:
        return api.setStatus(change.taskId, change.to);
    }
  });
}

export function useAddComment() {
  const api = useTasksApi();
  return useTaskMutation(({ taskId, body }: { taskId: string; body: string }) => api.comment(taskId, body));
}

export function useAddReminder() {
  const api = useTasksApi();
  return useTaskMutation(({ taskId, ...input }: CreateReminderInput & { taskId: string }) =>
    api.addReminder(taskId, input),
  );
}

export function useDeleteReminder() {
  const api = useTasksApi();
  return useTaskMutation(({ taskId, reminderId }: { taskId: string; reminderId: string }) =>
    api.deleteReminder(taskId, reminderId),
  );
}

export function useTaskFeed() {
  const api = useTasksApi();
  return useQuery({ queryKey: queryKeys.taskFeed, queryFn: ({ signal }) => api.feed(signal) });
}

export function useRotateTaskFeed() {
  const api = useTasksApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.rotateFeed(),
    // The address is shown from the mutation's answer: the server keeps only its hash.
    onSuccess: (feed) => {
      const status: FeedStatus = { createdAt: feed.createdAt };
      queryClient.setQueryData(queryKeys.taskFeed, status);
    },
  });
}

export function useRevokeTaskFeed() {
  const api = useTasksApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.revokeFeed(),
    onSuccess: () => queryClient.setQueryData(queryKeys.taskFeed, null),
  });
}
