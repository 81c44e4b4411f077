import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyOnce, type Database, GroupedApplier, runMigrations, type Tx } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

const SCHEMA = 'consumer_svc';

describe('applyOnce', () => {
  let testDb: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    testDb = await createTestDatabase('processed');
    dir = await mkdtemp(join(tmpdir(), 'polis-db-processed-'));
    await writeFile(join(dir, '0001_counters.sql'), 'create table counters (name text primary key, n int not null);');
    await runMigrations(testDb.db, { schema: SCHEMA, directory: dir });
  });

  afterAll(async () => {
    await testDb.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function counter(name: string): Promise<number> {
    const rows = await testDb.db.query<{ n: number }>(`select n from ${SCHEMA}.counters where name = $1`, [name]);
    return rows[0]?.n ?? 0;
  }

  function increment(name: string) {
    return async (tx: Tx) => {
      await tx.execute(
        sql`insert into consumer_svc.counters (name, n) values (${name}, 1)
            on conflict (name) do update set n = counters.n + 1`,
      );
    };
  }

  it('applies an event once and reports the duplicate', async () => {
    const eventId = randomUUID();
    const options = { schema: SCHEMA, consumer: 'billing', eventId };

    expect(await applyOnce(testDb.db, options, increment('dup'))).toBe(true);
    expect(await applyOnce(testDb.db, options, increment('dup'))).toBe(false);
    expect(await counter('dup')).toBe(1);
    const rows = await testDb.db.query<{ processed_at: Date }>(
      `select processed_at from ${SCHEMA}.processed_events where consumer = 'billing' and event_id = $1`,
      [eventId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.processed_at).toBeInstanceOf(Date);
  });

  it('keeps consumers apart: each applies the same event once', async () => {
    const eventId = randomUUID();
    expect(await applyOnce(testDb.db, { schema: SCHEMA, consumer: 'a', eventId }, increment('per-consumer'))).toBe(
      true,
    );
    expect(await applyOnce(testDb.db, { schema: SCHEMA, consumer: 'b', eventId }, increment('per-consumer'))).toBe(
      true,
    );
    expect(await applyOnce(testDb.db, { schema: SCHEMA, consumer: 'a', eventId }, increment('per-consumer'))).toBe(
      false,
    );
    expect(await counter('per-consumer')).toBe(2);
  });

  it('records nothing when the effect throws, so a redelivery applies it', async () => {
    const eventId = randomUUID();
    const options = { schema: SCHEMA, consumer: 'flaky', eventId };
    await expect(
      applyOnce(testDb.db, options, async (tx) => {
        await increment('flaky')(tx);
        throw new Error('downstream failed');
      }),
    ).rejects.toThrow('downstream failed');
    expect(await counter('flaky')).toBe(0);
    expect(
      await testDb.db.query(`select 1 from ${SCHEMA}.processed_events where event_id = $1`, [eventId]),
    ).toHaveLength(0);

    expect(await applyOnce(testDb.db, options, increment('flaky'))).toBe(true);
    expect(await counter('flaky')).toBe(1);
  });

  it('applies once when the same event arrives concurrently', async () => {
    const eventId = randomUUID();
    const options = { schema: SCHEMA, consumer: 'racing', eventId };
    const results = await Promise.all(
      Array.from({ length: 6 }, () => applyOnce(testDb.db, options, increment('racing'))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await counter('racing')).toBe(1);
  });

  describe('GroupedApplier', () => {
    function counting(db: Database): { db: Database; transactions: () => number } {
      let transactions = 0;
      const wrapped: Database = {
        ...db,
        transaction: (fn) => {
          transactions += 1;
          return db.transaction(fn);
        },
      };
      return { db: wrapped, transactions: () => transactions };
    }

    it('applies many concurrent events once each, in far fewer transactions than events', async () => {
      const { db, transactions } = counting(testDb.db);
      const applier = new GroupedApplier(db, { schema: SCHEMA, consumer: 'grouped', maxBatch: 50 });
      const ids = Array.from({ length: 200 }, () => randomUUID());
      const results = await Promise.all(ids.map((id) => applier.apply(id, increment('grouped'))));
      expect(results.every((applied) => applied)).toBe(true);
      expect(await counter('grouped')).toBe(200);
      expect(transactions()).toBeLessThan(50);
      const again = await Promise.all(ids.slice(0, 10).map((id) => applier.apply(id, increment('grouped'))));
      expect(again).toEqual(Array(10).fill(false));
      expect(await counter('grouped')).toBe(200);
    });

    it('applies an event delivered several times at once exactly once', async () => {
      const applier = new GroupedApplier(testDb.db, { schema: SCHEMA, consumer: 'grouped-dup' });
      const eventId = randomUUID();
      const results = await Promise.all([1, 2, 3].map(() => applier.apply(eventId, increment('grouped-dup'))));
      expect(results.filter((applied) => applied)).toHaveLength(1);
      expect(await counter('grouped-dup')).toBe(1);
    });

    it('rejects only the event whose effect throws; the rest of its group commits and it can be retried', async () => {
      const applier = new GroupedApplier(testDb.db, { schema: SCHEMA, consumer: 'grouped-fail' });
      const bad = randomUUID();
      const good = [randomUUID(), randomUUID(), randomUUID()];
      const failing = async (tx: Tx) => {
        await increment('grouped-fail')(tx);
        throw new Error('effect failed');
      };
      const settled = await Promise.allSettled([
        applier.apply(good[0] as string, increment('grouped-fail')),
        applier.apply(bad, failing),
        applier.apply(good[1] as string, increment('grouped-fail')),
        applier.apply(good[2] as string, increment('grouped-fail')),
      ]);
      expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      expect(await counter('grouped-fail')).toBe(3);
      const recorded = await testDb.db.query(
        `select 1 from ${SCHEMA}.processed_events where consumer = 'grouped-fail' and event_id = $1`,
        [bad],
      );
      expect(recorded).toHaveLength(0);
      expect(await applier.apply(bad, increment('grouped-fail'))).toBe(true);
      expect(await counter('grouped-fail')).toBe(4);
    });
  });
});
