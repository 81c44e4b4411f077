import { Conflict, Forbidden, Invalid, NotFound } from '@polis/platform';

export const taskNotFound = () => new NotFound('The task does not exist.', 'task_not_found');
export const forbidden = (message: string) => new Forbidden(message, 'forbidden');
export const invalid = (message: string, code: string, field?: string) =>
  new Invalid(message, code, field ? { errors: [{ field, message }] } : undefined);
export const invalidTransition = (current: string, next: string) =>
  new Conflict(`A task cannot move from ${current} to ${next}.`, 'invalid_status_transition', {
    details: { current, next },
  });
