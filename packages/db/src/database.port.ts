import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';

/** Drizzle over either driver: node-postgres in real mode, PGlite embedded. */
export type Drizzle = PgDatabase<PgQueryResultHKT>;
export type Tx = PgTransaction<PgQueryResultHKT>;
/** Anything a repository can run queries on: the database or an open transaction. */
export type Executor = Drizzle | Tx;

export interface Database {
  readonly kind: 'postgres' | 'pglite';
  readonly drizzle: Drizzle;
  /** Runs a multi-statement SQL script (migrations, policies) through the simple-query protocol. */
  exec(script: string): Promise<void>;
  /** One parameterised statement; rows as plain objects with the column names as keys. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Throws when the database is unreachable (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Who is acting, as row-level security policies see it through `current_setting('app.*', true)`. */
export interface DbIdentity {
  userId: string;
  roles: readonly string[];
}
