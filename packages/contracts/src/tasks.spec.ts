import { describe, expect, it } from 'vitest';
import { createTaskRequestSchema, taskEventType, taskMomentSchema, updateTaskRequestSchema } from './tasks.js';

describe('task contracts', () => {
  it('reads a date as 00:00 UTC and keeps a timestamp exact', () => {
    expect(taskMomentSchema.parse('2030-01-10')).toBe('2030-01-10T00:00:00.000Z');
    expect(taskMomentSchema.parse('2030-01-10T12:30:00+03:00')).toBe('2030-01-10T09:30:00.000Z');
    for (const bad of ['2030-02-30', '2030-01-10T12:30:00', 'tomorrow', '']) {
      expect(taskMomentSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('accepts the origin snake_case names on create and update', () => {
    const parsed = createTaskRequestSchema.parse({
      subject: ' Позвонить ',
      description: 'Клиенту',
      assignee_id: '709cb79d-9ac3-4a56-88ac-9a8bc7033003',
      due_date: '2030-01-10',
      context: { deal_id: 'd1000000-0000-4000-8000-000000000003' },
    });
    expect(parsed).toMatchObject({
      subject: 'Позвонить',
      assigneeId: '709cb79d-9ac3-4a56-88ac-9a8bc7033003',
      dueDate: '2030-01-10T00:00:00.000Z',
      priority: 'normal',
      context: { dealId: 'd1000000-0000-4000-8000-000000000003' },
    });
    expect(updateTaskRequestSchema.parse({ cancelled_reason: 'Отказ', status: 'cancelled' })).toEqual({
      cancelledReason: 'Отказ',
      status: 'cancelled',
    });
    expect(updateTaskRequestSchema.safeParse({}).success).toBe(false);
  });

  it('names event types after their keys', () => {
    expect(taskEventType('task.created')).toBe('tasks.task.created');
    expect(taskEventType('task.status.changed')).toBe('tasks.task.status_changed');
  });
});
