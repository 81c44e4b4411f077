import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database, ScriptSession } from './database.port.js';
import { type DbLogger, silentLogger } from './logger.js';
import { platformTablesSql } from './platform-tables.js';
import { quoteIdentifier } from './sql-identifier.js';

export interface RunMigrationsOptions {
  /** The service's schema: created if missing, holds `schema_migrations`, `outbox`, `processed_events`. */
  schema: string;
  /** Folder of forward-only `NNNN_name.sql` files. */
  directory: string;
  logger?: DbLogger;
}

export interface MigrationFile {
  version: number;
  /** The file name, e.g. `0001_init.sql`. */
  name: string;
  checksum: string;
  sql: string;
}

/** An applied migration file was edited afterwards; its change would never reach existing databases. */
export class MigrationChecksumError extends Error {
  constructor(
    readonly file: string,
    readonly schema: string,
  ) {
    super(`migration ${file} was changed after it was applied to schema "${schema}"; add a new migration instead`);
    this.name = 'MigrationChecksumError';
  }
}

const FILE_NAME = /^(\d{4,})_([A-Za-z0-9_-]+)\.sql$/;

/**
 * Applies the pending migrations of one schema, each in its own transaction, in version order.
 * Every transaction first takes an advisory lock keyed on the schema, so runners started together
 * (several replicas booting) apply each file exactly once: the second waits, then sees it applied.
 */
export async function runMigrations(db: Database, options: RunMigrationsOptions): Promise<{ applied: string[] }> {
  const { schema } = options;
  const logger = options.logger ?? silentLogger;
  const s = quoteIdentifier(schema, 'schema');
  const files = await readMigrationFiles(options.directory);

  await db.scriptTransaction(async (session) => {
    await lockSchema(session, schema);
    await session.exec(platformTablesSql(schema));
  });

  const applied: string[] = [];
  for (const file of files) {
    const wasApplied = await db.scriptTransaction(async (session) => {
      await lockSchema(session, schema);
      const [recorded] = await session.query<{ checksum: string }>(
        `select checksum from ${s}.schema_migrations where version = $1`,
        [file.version],
      );
      if (recorded) {
        if (recorded.checksum !== file.checksum) throw new MigrationChecksumError(file.name, schema);
        return false;
      }
      // Unqualified names in a migration land in the service's own schema.
      await session.exec(`set local search_path to ${s}, public`);
      await session.exec(file.sql);
      await session.query(`insert into ${s}.schema_migrations (version, name, checksum) values ($1, $2, $3)`, [
        file.version,
        file.name,
        file.checksum,
      ]);
      return true;
    });
    if (wasApplied) {
      applied.push(file.name);
      logger.info({ schema, migration: file.name }, 'migration applied');
    }
  }
  return { applied };
}

/** Reads and orders the migration files of a folder; rejects names that break the convention. */
export async function readMigrationFiles(directory: string): Promise<MigrationFile[]> {
  const names = (await readdir(directory)).filter((name) => name.endsWith('.sql'));
  const files: MigrationFile[] = [];
  for (const name of names) {
    const match = FILE_NAME.exec(name);
    if (!match) throw new Error(`migration file name must look like NNNN_name.sql: ${join(directory, name)}`);
    const sql = await readFile(join(directory, name), 'utf8');
    files.push({ version: Number(match[1]), name, checksum: createHash('sha256').update(sql).digest('hex'), sql });
  }
  files.sort((a, b) => a.version - b.version);
  for (let i = 1; i < files.length; i += 1) {
    if (files[i]!.version === files[i - 1]!.version) {
      throw new Error(`two migrations share version ${files[i]!.version}: ${files[i - 1]!.name}, ${files[i]!.name}`);
    }
  }
  return files;
}

async function lockSchema(session: ScriptSession, schema: string): Promise<void> {
  await session.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`polis.migrations.${schema}`]);
}
