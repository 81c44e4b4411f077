import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Database,
  ensureRole,
  grantSchemaUsage,
  queryRows,
  runMigrations,
  type Tx,
  withIdentity,
} from '../src/index.js';
import { createTestDatabase, type TestDatabase, uniqueName } from './support/test-database.js';

const SCHEMA = 'rls_svc';
const ALICE = randomUUID();
const BOB = randomUUID();

const MIGRATION = `
create table notes (id serial primary key, owner_id text not null, body text not null);
alter table notes enable row level security;
alter table notes force row level security;
create policy notes_visibility on notes
  using (
    owner_id = current_setting('app.user_id', true)
    or 'ROLE_ADMIN' = any(string_to_array(current_setting('app.roles', true), ','))
  )
  with check (owner_id = current_setting('app.user_id', true));
`;

describe('row-level security helpers', () => {
  let testDb: TestDatabase;
  let db: Database;
  let dir: string;
  // Roles are cluster-wide: a name of this file's own, dropped at the end.
  const appRole = uniqueName('dbtest_app');
  const extraRoles: string[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase('identity');
    db = testDb.db;
    dir = await mkdtemp(join(tmpdir(), 'polis-db-identity-'));
    await writeFile(join(dir, '0001_notes.sql'), MIGRATION);
    await runMigrations(db, { schema: SCHEMA, directory: dir });
    await ensureRole(db, appRole);
    await grantSchemaUsage(db, SCHEMA, appRole);
    // Inserted by the owner/superuser, which RLS does not restrict.
    await db.query(`insert into ${SCHEMA}.notes (owner_id, body) values ($1, 'a1'), ($1, 'a2'), ($2, 'b1')`, [
      ALICE,
      BOB,
    ]);
  });

  afterAll(async () => {
    for (const role of [appRole, ...extraRoles]) {
      await db.exec(`drop owned by ${role}; drop role ${role};`);
    }
    await testDb.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function bodies(tx: Tx): Promise<string[]> {
    const rows = await queryRows<{ body: string }>(tx, sql`select body from rls_svc.notes order by body`);
    return rows.map((row) => row.body);
  }

  it('shows a user only their own rows', async () => {
    const asAlice = await withIdentity(db, { userId: ALICE, roles: ['ROLE_SALES_AGENT'] }, bodies, { role: appRole });
    const asBob = await withIdentity(db, { userId: BOB, roles: ['ROLE_SALES_AGENT'] }, bodies, { role: appRole });
    expect(asAlice).toEqual(['a1', 'a2']);
    expect(asBob).toEqual(['b1']);
  });

  it('passes the roles comma-joined', async () => {
    const seen = await withIdentity(
      db,
      { userId: BOB, roles: ['ROLE_EXECUTOR', 'ROLE_ADMIN'] },
      async (tx) => {
        const [setting] = await queryRows<{ roles: string }>(
          tx,
          sql`select current_setting('app.roles', true) as roles`,
        );
        return { roles: setting?.roles, bodies: await bodies(tx) };
      },
      { role: appRole },
    );
    expect(seen).toEqual({ roles: 'ROLE_EXECUTOR,ROLE_ADMIN', bodies: ['a1', 'a2', 'b1'] });
  });

  it('enforces the policy on writes too', async () => {
    await expect(
      withIdentity(
        db,
        { userId: ALICE, roles: [] },
        (tx) => tx.execute(sql`insert into rls_svc.notes (owner_id, body) values (${BOB}, 'forged')`),
        { role: appRole },
      ),
    ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/row-level security/) } });
  });

  it('shows nothing when no user is set', async () => {
    const seen = await db.transaction(async (tx) => {
      await tx.execute(sql.raw(`set local role ${appRole}`));
      return bodies(tx);
    });
    expect(seen).toEqual([]);
  });

  it('keeps concurrent transactions isolated', async () => {
    const users = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? ALICE : BOB));
    const results = await Promise.all(
      users.map((userId) =>
        withIdentity(
          db,
          { userId, roles: [] },
          async (tx) => {
            // Yield between statements so other transactions interleave on PostgreSQL.
            await tx.execute(sql`select pg_sleep(0.01)`);
            return bodies(tx);
          },
          { role: appRole },
        ),
      ),
    );
    results.forEach((seen, i) => {
      expect(seen).toEqual(users[i] === ALICE ? ['a1', 'a2'] : ['b1']);
    });
  });

  it('leaves the session clean after the transaction', async () => {
    // One connection, so the follow-up query runs on the very session the identity was set on.
    const single = testDb.kind === 'real' ? await testDb.openAnother({ poolMax: 1 }) : db;
    const [before] = await single.query<{ who: string }>('select current_user as who');
    await withIdentity(single, { userId: ALICE, roles: ['ROLE_ADMIN'] }, bodies, { role: appRole });
    await expect(
      withIdentity(
        single,
        { userId: ALICE, roles: [] },
        async () => {
          throw new Error('boom');
        },
        { role: appRole },
      ),
    ).rejects.toThrow('boom');
    const [after] = await single.query<{ who: string; user_id: string | null; roles: string | null }>(
      `select current_user as who, current_setting('app.user_id', true) as user_id, current_setting('app.roles', true) as roles`,
    );
    expect(after!.who).toBe(before!.who);
    expect(after!.user_id ?? '').toBe('');
    expect(after!.roles ?? '').toBe('');
  });

  it('refuses a role name that is not a plain identifier', async () => {
    await expect(
      withIdentity(db, { userId: ALICE, roles: [] }, bodies, { role: 'app; drop table notes' }),
    ).rejects.toThrow(/identifier/);
  });

  it('creates a role once, also when asked concurrently', async () => {
    const role = uniqueName('dbtest_race');
    extraRoles.push(role);
    const created = await Promise.all([ensureRole(db, role), ensureRole(db, role), ensureRole(db, role)]);
    expect(created.filter(Boolean)).toHaveLength(1);
    expect(await ensureRole(db, role)).toBe(false);
    expect(await db.query('select rolcanlogin from pg_roles where rolname = $1', [role])).toEqual([
      { rolcanlogin: false },
    ]);
  });

  it('creates a login role with a password', async () => {
    const role = uniqueName('dbtest_login');
    extraRoles.push(role);
    expect(await ensureRole(db, role, { login: true, password: "it's-a-secret" })).toBe(true);
    expect(await db.query('select rolcanlogin from pg_roles where rolname = $1', [role])).toEqual([
      { rolcanlogin: true },
    ]);
  });
});
