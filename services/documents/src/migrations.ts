import { fileURLToPath } from 'node:url';
import { type Database, runMigrations } from '@polis/db';
import { DOCUMENTS_SCHEMA } from './db/schema.js';

/** Sits beside `src/` and `dist/` alike, so the same path works from sources and from the build. */
export const DOCUMENTS_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

/** Applies Documents' forward-only migrations to schema `documents` (plus its outbox tables). */
export function runDocumentsMigrations(db: Database): Promise<{ applied: string[] }> {
  return runMigrations(db, { schema: DOCUMENTS_SCHEMA, directory: DOCUMENTS_MIGRATIONS_DIR });
}
