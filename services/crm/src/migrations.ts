import { fileURLToPath } from 'node:url';
import { type Database, runMigrations } from '@polis/db';
import { CRM_SCHEMA } from './db/schema.js';

/** Sits beside `src/` and `dist/` alike, so the same path works from sources and from the build. */
export const CRM_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

/**
 * Applies CRM's forward-only migrations to schema `crm` (plus its outbox tables). The migrating
 * role must bypass row-level security (a superuser, or BYPASSRLS): the policies' helper functions
 * run as it.
 */
export function runCrmMigrations(db: Database): Promise<{ applied: string[] }> {
  return runMigrations(db, { schema: CRM_SCHEMA, directory: CRM_MIGRATIONS_DIR });
}
