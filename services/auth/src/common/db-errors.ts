/** True when a database error (or its cause, as drizzle wraps driver errors) is a unique violation. */
export function isUniqueViolation(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth += 1) {
    if (typeof current === 'object' && Reflect.get(current, 'code') === '23505') return true;
    current = typeof current === 'object' ? Reflect.get(current, 'cause') : undefined;
  }
  return false;
}
