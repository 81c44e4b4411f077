import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/index.js';
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
});
