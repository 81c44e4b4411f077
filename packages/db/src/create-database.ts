import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction as PgliteTransaction } from '@electric-sql/pglite';
import { drizzle as drizzleNodePostgres, NodePgSession, NodePgTransaction } from 'drizzle-orm/node-postgres';
import { PgDialect } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import type { Database, Drizzle, ScriptSession, Tx } from './database.port.js';
import { applyTransactionSettings } from './identity.js';
import { type DbLogger, silentLogger } from './logger.js';
import { assertSettingName } from './sql-identifier.js';
import { DEFAULT_STATEMENT_CACHE_SIZE, statementCachingClient } from './statement-cache.js';

export interface CreateDatabaseOptions {
  /** PostgreSQL connection string; without it an embedded PGlite is used. */
  url?: string;
  /** PGlite only: directory the database lives in (created if missing); in memory when omitted. */
  dataDir?: string;
  /** node-postgres only: pool size. Default 10. */
  poolMax?: number;
  /** node-postgres only: shown in `pg_stat_activity`. */
  applicationName?: string;
  /**
   * node-postgres only: how many parameterised statements each connection keeps prepared (parsed
   * and planned once). 0 turns it off, e.g. behind a pooler that cannot keep prepared statements.
   * Default 200.
   */
  statementCacheSize?: number;
  logger?: DbLogger;
}

const INT8_OID = 20;
const DATE_OID = 1082;
const keepText = (value: string): string => value;

/**
 * Opens the database: a node-postgres pool when `url` is set, otherwise PGlite. Both return the
 * same JS types — `date` as 'YYYY-MM-DD', `numeric` and `int8` as strings, `timestamptz` as Date —
 * so code tested embedded behaves the same against PostgreSQL.
 */
export async function createDatabase(options: CreateDatabaseOptions = {}): Promise<Database> {
  return options.url ? createPostgresDatabase(options.url, options) : createPgliteDatabase(options);
}

function createPostgresDatabase(url: string, options: CreateDatabaseOptions): Database {
  const logger = options.logger ?? silentLogger;
  const statementCache = options.statementCacheSize ?? DEFAULT_STATEMENT_CACHE_SIZE;
  const types = new pg.TypeOverrides();
  // A calendar date must not become a Date at local midnight that shifts with the time zone.
  types.setTypeParser(DATE_OID, keepText);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolMax ?? 10,
    application_name: options.applicationName,
    types,
    ...(statementCache > 0 ? { Client: statementCachingClient(statementCache) } : {}),
  });
  // Without a listener an idle connection dropped by the server would crash the process.
  pool.on('error', (error) => logger.error({ err: error }, 'idle PostgreSQL connection failed'));
  const drizzle: Drizzle = drizzleNodePostgres({ client: pool });
  const dialect = new PgDialect();
  let closed = false;

  return {
    kind: 'postgres',
    drizzle,
    async exec(script) {
      await pool.query(script);
    },
    async query<T>(text: string, params?: unknown[]) {
      const result = await pool.query({ text, values: params });
      return result.rows as T[];
    },
    async transaction(fn, transactionOptions) {
      const settings = transactionOptions?.settings;
      if (!settings || Object.keys(settings).length === 0) return drizzle.transaction(fn);
      // BEGIN and the settings in one simple-query message, then drizzle on that same connection.
      return onConnection(pool, `begin; ${settingsStatement(settings, pg.escapeLiteral)}`, (client) =>
        fn(new NodePgTransaction(dialect, new NodePgSession(client, dialect, undefined), undefined) as unknown as Tx),
      );
    },
    scriptTransaction: (fn) => onConnection(pool, 'begin', (client) => fn(clientSession(client))),
    async ping() {
      await pool.query('select 1');
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/** Runs `fn` in a transaction opened by `begin` on one pooled connection; commits, or rolls back and rethrows. */
async function onConnection<T>(pool: pg.Pool, begin: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let brokenConnection: Error | undefined;
  try {
    await client.query(begin);
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch((rollbackError: Error) => {
      brokenConnection = rollbackError;
    });
    throw error;
  } finally {
    // A connection whose rollback failed is in an unknown state: destroy it instead of reusing it.
    client.release(brokenConnection);
  }
}

/** `select set_config(name, value, true), …` with the values as quoted literals. */
function settingsStatement(settings: Readonly<Record<string, string>>, quote: (value: string) => string): string {
  const calls = Object.entries(settings).map(([name, value]) => {
    assertSettingName(name);
    return `set_config(${quote(name)}, ${quote(value)}, true)`;
  });
  return `select ${calls.join(', ')}`;
}

function clientSession(client: pg.PoolClient): ScriptSession {
  return {
    async query<T>(text: string, params?: unknown[]) {
      const result = await client.query({ text, values: params });
      return result.rows as T[];
    },
    async exec(script) {
      await client.query(script);
    },
  };
}

async function createPgliteDatabase(options: CreateDatabaseOptions): Promise<Database> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const pglite = await PGlite.create({
    dataDir: options.dataDir,
    // PGlite would answer int8 as a number and date as a Date; node-postgres answers strings.
    parsers: { [INT8_OID]: keepText, [DATE_OID]: keepText },
  });
  const drizzle: Drizzle = drizzlePglite({ client: pglite });

  return {
    kind: 'pglite',
    drizzle,
    async exec(script) {
      await pglite.exec(script);
    },
    async query<T>(text: string, params?: unknown[]) {
      const result = await pglite.query<T>(text, params);
      return result.rows;
    },
    transaction: (fn, transactionOptions) =>
      drizzle.transaction(async (tx) => {
        await applyTransactionSettings(tx, transactionOptions?.settings ?? {});
        return fn(tx);
      }),
    scriptTransaction: (fn) => pglite.transaction((tx) => fn(transactionSession(tx))),
    async ping() {
      await pglite.query('select 1');
    },
    async close() {
      if (!pglite.closed) await pglite.close();
    },
  };
}

function transactionSession(tx: PgliteTransaction): ScriptSession {
  return {
    async query<T>(text: string, params?: unknown[]) {
      const result = await tx.query<T>(text, params);
      return result.rows;
    },
    async exec(script) {
      await tx.exec(script);
    },
  };
}
