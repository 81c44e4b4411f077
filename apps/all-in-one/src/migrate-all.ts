import { runAuthMigrations } from '@polis/auth';
import { runCrmMigrations } from '@polis/crm';
import type { Database } from '@polis/db';
import { runDocumentsMigrations } from '@polis/documents';
import { runTasksMigrations } from '@polis/tasks';

/** Every service's forward-only migrations, each in its own schema. Safe to run concurrently. */
export async function migrateAll(db: Database): Promise<Record<string, string[]>> {
  return {
    auth: (await runAuthMigrations(db)).applied,
    crm: (await runCrmMigrations(db)).applied,
    tasks: (await runTasksMigrations(db)).applied,
    documents: (await runDocumentsMigrations(db)).applied,
  };
}
