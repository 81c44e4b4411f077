import { TASK_STATUSES, type TaskStatus } from '@polis/contracts';
import { describe, expect, it } from 'vitest';
import { userCaller } from '../common/caller.js';
import { canTransition, mayTransition, rolesOn, TASK_TRANSITIONS } from './task-rules.js';

const ALLOWED: Array<[TaskStatus, TaskStatus]> = [
  ['pending', 'in_progress'],
  ['pending', 'completed'],
  ['pending', 'cancelled'],
  ['pending', 'scheduled'],
  ['scheduled', 'pending'],
  ['scheduled', 'in_progress'],
  ['scheduled', 'cancelled'],
  ['in_progress', 'completed'],
  ['in_progress', 'cancelled'],
];

describe('task transitions (domain.md §3.5)', () => {
  it('allows exactly the listed moves', () => {
    for (const from of TASK_STATUSES) {
      for (const to of TASK_STATUSES) {
        const expected = ALLOWED.some(([a, b]) => a === from && b === to);
        expect(canTransition(from, to), `${from} -> ${to}`).toBe(expected);
      }
    }
    expect(TASK_TRANSITIONS.completed).toEqual([]);
    expect(TASK_TRANSITIONS.cancelled).toEqual([]);
  });

  it('lets the assignee work and complete, the author schedule and cancel', () => {
    const author = '00000000-0000-4000-8000-00000000000a';
    const assignee = '00000000-0000-4000-8000-00000000000b';
    const task = { authorId: author, assigneeId: assignee };
    const asAuthor = rolesOn(userCaller(author), task);
    const asAssignee = rolesOn(userCaller(assignee), task);
    expect(mayTransition(asAssignee, 'pending', 'in_progress')).toBe(true);
    expect(mayTransition(asAssignee, 'in_progress', 'completed')).toBe(true);
    expect(mayTransition(asAssignee, 'pending', 'cancelled')).toBe(false);
    expect(mayTransition(asAssignee, 'pending', 'scheduled')).toBe(false);
    expect(mayTransition(asAuthor, 'pending', 'scheduled')).toBe(true);
    expect(mayTransition(asAuthor, 'pending', 'cancelled')).toBe(true);
    expect(mayTransition(asAuthor, 'pending', 'completed')).toBe(false);
    expect(mayTransition(asAuthor, 'scheduled', 'pending')).toBe(true);
    expect(
      mayTransition(
        rolesOn(userCaller(author, ['ROLE_ADMIN']), { authorId: assignee, assigneeId: assignee }),
        'pending',
        'completed',
      ),
    ).toBe(true);
  });
});
