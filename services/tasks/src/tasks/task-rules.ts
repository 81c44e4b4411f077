import { FINAL_TASK_STATUSES, type TaskStatus } from '@polis/contracts';
import type { Caller } from '../common/caller.js';

/** domain.md §3.5: the moves a task may make; completed and cancelled are final. */
export const TASK_TRANSITIONS: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  pending: ['in_progress', 'completed', 'cancelled', 'scheduled'],
  scheduled: ['pending', 'in_progress', 'cancelled'],
  in_progress: ['completed', 'cancelled'],
  completed: [],
  cancelled: [],
};

export type TaskRole = 'author' | 'assignee' | 'admin';

/** Who may make each move (domain.md §3.5); the system (workers, rules) may make all of them. */
export const TRANSITION_ACTORS: Readonly<Record<string, readonly TaskRole[]>> = {
  'pending>scheduled': ['author', 'admin'],
  'scheduled>pending': ['author', 'assignee', 'admin'],
  'scheduled>in_progress': ['author', 'assignee', 'admin'],
  'pending>in_progress': ['assignee', 'admin'],
  'pending>completed': ['assignee', 'admin'],
  'in_progress>completed': ['assignee', 'admin'],
  'pending>cancelled': ['author', 'admin'],
  'scheduled>cancelled': ['author', 'admin'],
  'in_progress>cancelled': ['author', 'admin'],
};

export function isFinal(status: TaskStatus): boolean {
  return FINAL_TASK_STATUSES.includes(status);
}

export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return TASK_TRANSITIONS[from].includes(to);
}

/** The parts the caller plays on a task. */
export function rolesOn(caller: Caller, task: { authorId: string; assigneeId: string }): Set<TaskRole> {
  const roles = new Set<TaskRole>();
  if (caller.isAdmin) roles.add('admin');
  if (caller.userId !== null && caller.userId === task.authorId) roles.add('author');
  if (caller.userId !== null && caller.userId === task.assigneeId) roles.add('assignee');
  return roles;
}

export function mayTransition(roles: Set<TaskRole>, from: TaskStatus, to: TaskStatus): boolean {
  return (TRANSITION_ACTORS[`${from}>${to}`] ?? []).some((role) => roles.has(role));
}
