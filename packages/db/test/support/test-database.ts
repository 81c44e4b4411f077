import { randomBytes } from 'node:crypto';
import { type BackendKind, backendKind, createPostgresDatabase, dropPostgresDatabase } from '@polis/testing';
import { createDatabase, type Database } from '../../src/index.js';

export interface TestDatabase {
  kind: BackendKind;
  db: Database;
  /** Connection string of the file's own PostgreSQL database (real mode only). */
  url?: string;
  /**
   * Another handle on the same database: a second pool in real mode (as another replica would
   * have); embedded, the same PGlite instance, since a PGlite data directory has one owner.
   */
  openAnother(options?: { poolMax?: number; statementCacheSize?: number }): Promise<Database>;
  close(): Promise<void>;
}

/** A name no other test file (or parallel run of this one) uses: database, schema and role names. */
export function uniqueName(label: string): string {
  return `${label}_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** A fresh database for one test file: a new in-memory PGlite, or a new PostgreSQL database. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const kind = backendKind();
  if (kind === 'embedded') {
    const db = await createDatabase({});
    return { kind, db, openAnother: async () => db, close: () => db.close() };
  }
  const name = uniqueName(`t_${label}`);
  const url = await createPostgresDatabase(name);
  const db = await createDatabase({ url, applicationName: name });
  const others: Database[] = [];
  return {
    kind,
    db,
    url,
    async openAnother(options = {}) {
      const other = await createDatabase({ url, ...options, applicationName: name });
      others.push(other);
      return other;
    },
    async close() {
      await Promise.all(others.map((other) => other.close()));
      await db.close();
      await dropPostgresDatabase(name);
    },
  };
}

/** Polls until `check` answers true; fails with `message` after `timeoutMs`. */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  message: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
