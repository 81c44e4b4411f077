import { randomBytes } from 'node:crypto';
import type { EventBus } from '@polis/bus';
import type { Cache } from '@polis/cache';
import type { Database } from '@polis/db';
import type { Jobs } from '@polis/jobs';
import { Redis } from 'ioredis';
import pg from 'pg';

export type BackendKind = 'embedded' | 'real';

/** Addresses of the local servers used by `TEST_BACKEND=real`; each can be overridden by env. */
export const realServers = {
  postgresAdminUrl: process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
  rabbitmqUrl: process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
};

export function backendKind(): BackendKind {
  return process.env.TEST_BACKEND === 'real' ? 'real' : 'embedded';
}

export interface TestBackend {
  kind: BackendKind;
  /** Unique per backend: the database name, the bus name prefix and the cache key prefix derive from it. */
  id: string;
  db: Database;
  bus: EventBus;
  cache: Cache;
  jobs: Jobs;
  /** Connection string of this backend's own database (real mode only). */
  databaseUrl?: string;
  close(): Promise<void>;
}

/**
 * Starts an isolated backend for one test file: its own database (a fresh PGlite, or a fresh
 * PostgreSQL database), its own exchange/queue name prefix, its own Redis key prefix.
 */
export async function startTestBackend(kind: BackendKind = backendKind()): Promise<TestBackend> {
  const id = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  // Loaded lazily so that a package's own contract tests can import this module's helpers
  // without pulling in every adapter.
  const [{ createEventBus }, { createCache }, { createDatabase }, { createJobs }] = await Promise.all([
    import('@polis/bus'),
    import('@polis/cache'),
    import('@polis/db'),
    import('@polis/jobs'),
  ]);
  if (kind === 'embedded') {
    const db = await createDatabase({});
    const bus = createEventBus({});
    const cache = createCache({ keyPrefix: `${id}:` });
    const jobs = createJobs({ prefix: id });
    return {
      kind,
      id,
      db,
      bus,
      cache,
      jobs,
      async close() {
        await jobs.close();
        await bus.close();
        await cache.close();
        await db.close();
      },
    };
  }

  const databaseUrl = await createPostgresDatabase(id);
  const db = await createDatabase({ url: databaseUrl });
  const bus = createEventBus({ url: realServers.rabbitmqUrl, prefix: id, temporary: true });
  const cache = createCache({ url: realServers.redisUrl, keyPrefix: `${id}:` });
  const jobs = createJobs({ url: realServers.redisUrl, prefix: id });
  return {
    kind,
    id,
    db,
    bus,
    cache,
    jobs,
    databaseUrl,
    async close() {
      await jobs.close();
      await bus.close();
      await cache.close();
      await db.close();
      await dropPostgresDatabase(id);
      await deleteRedisKeys(`${id}:*`);
    },
  };
}

/** Creates an empty database on the local server and answers its connection string. */
export async function createPostgresDatabase(name: string): Promise<string> {
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${quoteIdent(name)}`));
  const url = new URL(realServers.postgresAdminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropPostgresDatabase(name: string): Promise<void> {
  await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}

/** Removes what a test file left in Redis (cache keys and BullMQ queues share the backend id prefix). */
export async function deleteRedisKeys(pattern: string): Promise<void> {
  const redis = new Redis(realServers.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: realServers.postgresAdminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function quoteIdent(name: string): string {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name: ${name}`);
  return `"${name}"`;
}
