import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyOnce, runMigrations, type Tx } from '../src/index.js';
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
});
