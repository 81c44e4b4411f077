import { fileURLToPath } from 'node:url';
import { type Database, runMigrations } from '@polis/db';
import { TASKS_SCHEMA } from './db/schema.js';

/** Sits beside `src/` and `dist/` alike, so the same path works from sources and from the build. */
export const TASKS_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

/**
 * Applies the forward-only migrations of schema `tasks` (plus its outbox tables). The migrating role
 * must bypass row-level security (a superuser, or BYPASSRLS): the policies' helpers run as it.
 */
export function runTasksMigrations(db: Database): Promise<{ applied: string[] }> {
  return runMigrations(db, { schema: TASKS_SCHEMA, directory: TASKS_MIGRATIONS_DIR });
}
