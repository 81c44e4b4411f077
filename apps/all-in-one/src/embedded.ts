import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createEventBus, type EventBus } from '@polis/bus';
import { type Cache, createCache } from '@polis/cache';
import { createDatabase, type Database } from '@polis/db';
import { createJobs, type Jobs } from '@polis/jobs';

/** The shared infrastructure of one process: one database, one bus, one cache, one job runner. */
export interface Infrastructure {
  db: Database;
  bus: EventBus;
  cache: Cache;
  jobs: Jobs;
  /** Where embedded data lives (the PGlite cluster, later documents). */
  dataDir: string;
  close(): Promise<void>;
}

/**
 * Embedded mode needs nothing but Node.js: PGlite in `<dataDir>/pglite` and in-process adapters.
 * Each URL that is set swaps in the real server, so the same launcher also runs against
 * PostgreSQL/RabbitMQ/Redis.
 */
export async function openInfrastructure(env: NodeJS.ProcessEnv = process.env): Promise<Infrastructure> {
  const dataDir = resolve(env.POLIS_DATA_DIR ?? 'data');
  await mkdir(dataDir, { recursive: true });
  const db = await createDatabase(
    env.DATABASE_URL ? { url: env.DATABASE_URL, applicationName: 'polis' } : { dataDir: join(dataDir, 'pglite') },
  );
  const bus = createEventBus({ url: env.RABBITMQ_URL || undefined });
  const cache = createCache({ url: env.REDIS_URL || undefined });
  const jobs = createJobs({ url: env.REDIS_URL || undefined });
  return {
    db,
    bus,
    cache,
    jobs,
    dataDir,
    async close() {
      await jobs.close();
      await bus.close();
      await cache.close();
      await db.close();
    },
  };
}
