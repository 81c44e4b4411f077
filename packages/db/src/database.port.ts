import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';

/** Drizzle over either driver: node-postgres in real mode, PGlite embedded. */
export type Drizzle = PgDatabase<PgQueryResultHKT>;
/** Spelled out because PgTransaction's default relations type differs from PgDatabase's. */
export type Tx = PgTransaction<
  PgQueryResultHKT,
  Record<string, never>,
  ExtractTablesWithRelations<Record<string, never>>
>;
/** Anything a repository can run queries on: the database or an open transaction. */
export type Executor = Drizzle | Tx;

export interface Database {
  readonly kind: 'postgres' | 'pglite';
  readonly drizzle: Drizzle;
  /** Runs a multi-statement SQL script (migrations, policies) through the simple-query protocol. */
  exec(script: string): Promise<void>;
  /** One parameterised statement; rows as plain objects with the column names as keys. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  transaction<T>(fn: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * A transaction on one dedicated connection that can also run multi-statement scripts, which a
   * drizzle transaction cannot (it only sends prepared statements). Used by the migration runner.
   */
  scriptTransaction<T>(fn: (session: ScriptSession) => Promise<T>): Promise<T>;
  /** Throws when the database is unreachable (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface TransactionOptions {
  /**
   * Transaction-local settings (`set_config(name, value, true)`), e.g. the caller's identity for
   * row-level security. On PostgreSQL they travel in the same message as BEGIN, so a request's
   * transaction spends no extra round trip on them.
   */
  settings?: Readonly<Record<string, string>>;
}

/** One connection inside an open transaction: parameterised statements and simple-query scripts. */
export interface ScriptSession {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  exec(script: string): Promise<void>;
}

/** Who is acting, as row-level security policies see it through `current_setting('app.*', true)`. */
export interface DbIdentity {
  userId: string;
  roles: readonly string[];
}
