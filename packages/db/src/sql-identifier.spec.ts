import { describe, expect, it } from 'vitest';
import { assertIdentifier, quoteIdentifier } from './sql-identifier.js';

describe('SQL identifiers', () => {
  it('quotes plain lower-case identifiers', () => {
    expect(quoteIdentifier('crm_app')).toBe('"crm_app"');
    expect(quoteIdentifier('_x1')).toBe('"_x1"');
  });

  it.each(['', 'Crm', '1abc', 'a-b', 'a"b', 'a b', 'x; drop table y', 'a'.repeat(64)])('rejects %j', (name) => {
    expect(() => assertIdentifier(name, 'schema')).toThrow(/schema must be a lower-case SQL identifier/);
  });

  it('accepts the longest name PostgreSQL keeps', () => {
    expect(() => assertIdentifier('a'.repeat(63), 'role')).not.toThrow();
  });
});
