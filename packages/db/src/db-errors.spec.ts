import { describe, expect, it } from 'vitest';
import { isNumericOverflow, isUniqueViolation } from './db-errors.js';

describe('database error checks', () => {
  it('finds a unique violation behind wrapping errors, optionally of one constraint', () => {
    const driverError = Object.assign(new Error('duplicate key'), { code: '23505', constraint: 'users_email_key' });
    const wrapped = new Error('query failed', { cause: driverError });
    expect(isUniqueViolation(wrapped)).toBe(true);
    expect(isUniqueViolation(wrapped, 'users_email_key')).toBe(true);
    expect(isUniqueViolation(wrapped, 'other_key')).toBe(false);
    expect(isUniqueViolation(new Error('plain'))).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);
  });

  it('recognises a numeric overflow', () => {
    expect(isNumericOverflow(new Error('x', { cause: { code: '22003' } }))).toBe(true);
    expect(isNumericOverflow(Object.assign(new Error('dup'), { code: '23505' }))).toBe(false);
  });
});
