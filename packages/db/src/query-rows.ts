import type { SQL } from 'drizzle-orm';
import type { Executor } from './database.port.js';

/**
 * Runs raw SQL on a drizzle database or transaction and answers its rows. Both drivers return an
 * object with `rows`, but drizzle's generic result type does not say so.
 */
export async function queryRows<T>(executor: Executor, query: SQL): Promise<T[]> {
  const result: unknown = await executor.execute(query);
  if (typeof result === 'object' && result !== null && 'rows' in result && Array.isArray(result.rows)) {
    return result.rows as T[];
  }
  throw new Error('unexpected result shape from the database driver');
}
