import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, queryRows } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

describe('createDatabase', () => {
  let testDb: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase('create_db');
    db = testDb.db;
  });

  afterAll(async () => {
    await testDb.close();
  });

  it('answers the kind of the backend it opened', () => {
    expect(db.kind).toBe(testDb.kind === 'real' ? 'postgres' : 'pglite');
  });

  it('returns the same JS types on both drivers', async () => {
    const [row] = await db.query<Record<string, unknown>>(
      `select '2024-02-29'::date as day, 12345678901.25::numeric(14,2) as amount, 9007199254740993::int8 as big,
              '2024-01-02T03:04:05Z'::timestamptz as at, '{"a":1}'::jsonb as doc, 7::int4 as small`,
    );
    expect(row).toEqual({
      day: '2024-02-29',
      amount: '12345678901.25',
      big: '9007199254740993',
      at: new Date('2024-01-02T03:04:05Z'),
      doc: { a: 1 },
      small: 7,
    });
  });

  it('binds parameters', async () => {
    const rows = await db.query<{ total: string }>('select ($1::numeric + $2::numeric)::text as total', [
      '0.10',
      '0.20',
    ]);
    expect(rows).toEqual([{ total: '0.30' }]);
  });

  it('runs multi-statement scripts through exec', async () => {
    await db.exec(`
      create table script_things (id int primary key, day date not null);
      insert into script_things values (1, '2025-12-31');
      insert into script_things values (2, '2026-01-01');
    `);
    const rows = await db.query('select id, day from script_things order by id');
    expect(rows).toEqual([
      { id: 1, day: '2025-12-31' },
      { id: 2, day: '2026-01-01' },
    ]);
  });

  it('commits a drizzle transaction and rolls back a failing one', async () => {
    await db.exec('create table tx_things (id int primary key)');
    await db.transaction(async (tx) => {
      await tx.execute(sql`insert into tx_things values (1)`);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.execute(sql`insert into tx_things values (2)`);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await db.query('select id from tx_things')).toEqual([{ id: 1 }]);
  });

  it('runs scripts and statements in one script transaction, all or nothing', async () => {
    await db.scriptTransaction(async (session) => {
      await session.exec('create table script_tx (id int primary key); insert into script_tx values (1);');
      await session.query('insert into script_tx values ($1)', [2]);
    });
    await expect(
      db.scriptTransaction(async (session) => {
        await session.exec('insert into script_tx values (3); insert into script_tx values (4);');
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await db.query('select id from script_tx order by id')).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('pings', async () => {
    await expect(db.ping()).resolves.toBeUndefined();
  });

  it('applies transaction settings inside the transaction only, quoted whatever they hold', async () => {
    const settings = { 'app.user_id': "o'neil \\ -- x", 'app.roles': 'ROLE_A,ROLE_B' };
    const seen = await db.transaction(
      async (tx) =>
        (
          await queryRows<{ user_id: string; roles: string }>(
            tx,
            sql`select current_setting('app.user_id', true) as user_id, current_setting('app.roles', true) as roles`,
          )
        )[0],
      { settings },
    );
    expect(seen).toEqual({ user_id: settings['app.user_id'], roles: settings['app.roles'] });
    const [after] = await db.query<{ user_id: string | null }>(
      `select nullif(current_setting('app.user_id', true), '') as user_id`,
    );
    expect(after?.user_id).toBeNull();
  });

  it('rolls back a failing transaction with settings and keeps its connection usable', async () => {
    const single = await testDb.openAnother({ poolMax: 1 });
    await single.exec('create table if not exists settings_tx (id int primary key)');
    await expect(
      single.transaction(
        async (tx) => {
          await tx.execute(sql`insert into settings_tx values (1)`);
          throw new Error('changed my mind');
        },
        { settings: { 'app.user_id': 'u1' } },
      ),
    ).rejects.toThrow('changed my mind');
    await single.transaction(async (tx) => tx.execute(sql`insert into settings_tx values (2)`), {
      settings: { 'app.user_id': 'u2' },
    });
    expect(await single.query('select id from settings_tx')).toEqual([{ id: 2 }]);
  });

  it('refuses a malformed setting name before opening anything', async () => {
    await expect(
      db.transaction(async () => undefined, { settings: { "x'); drop table tx_things; --": 'v' } }),
    ).rejects.toThrow('not a setting name');
  });

  it.runIf(process.env.TEST_BACKEND === 'real')(
    'prepares repeated parameterised statements, at most statementCacheSize per connection',
    async () => {
      const prepared = async (handle: Database) =>
        (
          await handle.query<{ n: number }>(
            `select count(*)::int as n from pg_prepared_statements where name like 'polis%'`,
          )
        )[0]?.n;
      const run = async (handle: Database) => {
        const answers: string[] = [];
        for (const round of [1, 2]) {
          for (const op of ['+', '-', '*']) {
            const [row] = await handle.query<{ v: string }>(`select ($1::int ${op} $2::int)::text as v`, [6, round]);
            answers.push(row?.v ?? '');
          }
        }
        return answers;
      };
      const capped = await testDb.openAnother({ poolMax: 1, statementCacheSize: 2 });
      expect(await run(capped)).toEqual(['7', '5', '6', '8', '4', '12']);
      expect(await prepared(capped)).toBe(2);
      const off = await testDb.openAnother({ poolMax: 1, statementCacheSize: 0 });
      expect(await run(off)).toEqual(['7', '5', '6', '8', '4', '12']);
      expect(await prepared(off)).toBe(0);
    },
  );
});
