import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction as PgliteTransaction } from '@electric-sql/pglite';
import { drizzle as drizzleNodePostgres } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import type { Database, Drizzle, ScriptSession } from './database.port.js';
import { type DbLogger, silentLogger } from './logger.js';

export interface CreateDatabaseOptions {
  /** PostgreSQL connection string; without it an embedded PGlite is used. */
  url?: string;
  /** PGlite only: directory the database lives in (created if missing); in memory when omitted. */
  dataDir?: string;
  /** node-postgres only: pool size. Default 10. */
  poolMax?: number;
  /** node-postgres only: shown in `pg_stat_activity`. */
  applicationName?: string;
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
  const types = new pg.TypeOverrides();
  // A calendar date must not become a Date at local midnight that shifts with the time zone.
  types.setTypeParser(DATE_OID, keepText);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolMax ?? 10,
    application_name: options.applicationName,
    types,
  });
  // Without a listener an idle connection dropped by the server would crash the process.
  pool.on('error', (error) => logger.error({ err: error }, 'idle PostgreSQL connection failed'));
  const drizzle: Drizzle = drizzleNodePostgres({ client: pool });
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
    transaction: (fn) => drizzle.transaction(fn),
    async scriptTransaction(fn) {
      const client = await pool.connect();
      let brokenConnection: Error | undefined;
      try {
        await client.query('begin');
        const result = await fn(clientSession(client));
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
    },
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
    transaction: (fn) => drizzle.transaction(fn),
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
