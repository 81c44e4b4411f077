/** The driver error (PostgreSQL or PGlite) behind an error: drizzle wraps it in `cause`. */
function databaseErrorOf(error: unknown): { code?: unknown; constraint?: unknown } | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth += 1) {
    if (typeof current === 'object' && typeof Reflect.get(current, 'code') === 'string') {
      return { code: Reflect.get(current, 'code'), constraint: Reflect.get(current, 'constraint') };
    }
    current = typeof current === 'object' ? Reflect.get(current, 'cause') : undefined;
  }
  return undefined;
}

/**
 * True when a database error (or its cause) is a unique violation; with `constraint`, only a
 * violation of that constraint.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const found = databaseErrorOf(error);
  if (found?.code !== '23505') return false;
  return constraint === undefined || found.constraint === constraint;
}

/** True when a value did not fit its numeric column (e.g. a sum beyond `numeric(14,2)`). */
export function isNumericOverflow(error: unknown): boolean {
  return databaseErrorOf(error)?.code === '22003';
}
