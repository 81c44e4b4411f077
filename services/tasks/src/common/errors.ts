import { Conflict, Forbidden, Invalid, NotFound } from '@polis/platform';

export const taskNotFound = () => new NotFound('The task does not exist.', 'task_not_found');
export const forbidden = (message: string) => new Forbidden(message, 'forbidden');
export const invalid = (message: string, code: string, field?: string) =>
  new Invalid(message, code, field ? { errors: [{ field, message }] } : undefined);
export const invalidTransition = (current: string, next: string) =>
  new Conflict(`A task cannot move from ${current} to ${next}.`, 'invalid_status_transition', {
    details: { current, next },
  });

function databaseErrorOf(error: unknown): { code?: unknown; constraint?: unknown } | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth += 1) {
    if (typeof current === 'object' && typeof Reflect.get(current, 'code') === 'string') {
      return { code: Reflect.get(current, 'code'), constraint: Reflect.get(current, 'constraint') };
    }
    current = typeof current === 'object' ? Reflect.get(current, 'cause') : undefined;
  }
  return undefined;
}

/** True when a database error (or its cause, as drizzle wraps driver errors) is a unique violation. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const found = databaseErrorOf(error);
  if (found?.code !== '23505') return false;
  return constraint === undefined || found.constraint === constraint;
}
