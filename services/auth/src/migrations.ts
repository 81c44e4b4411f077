import { fileURLToPath } from 'node:url';
import { type Database, runMigrations } from '@polis/db';
import { AUTH_SCHEMA } from './db/schema.js';

/** Sits beside `src/` and `dist/` alike, so the same path works from sources and from the build. */
export const AUTH_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

/** Applies Auth's forward-only migrations to schema `auth` (plus its outbox tables). */
export function runAuthMigrations(db: Database): Promise<{ applied: string[] }> {
  return runMigrations(db, { schema: AUTH_SCHEMA, directory: AUTH_MIGRATIONS_DIR });
}
