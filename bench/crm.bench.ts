/**
 * CRM figures (issue 4), on the local PostgreSQL, RabbitMQ and Redis:
 *  1. seeds 100k deals across 50k clients and 20 users with set-based SQL;
 *  2. `GET /api/v1/crm/deals?status=…&limit=50` through the Gateway as a sales agent, against a bare
 *     Fastify + pg endpoint running the same SQL (no Nest, no auth, no RLS): p95 at 32 connections and
 *     the throughput ratio (targets: p95 < 20 ms, ratio ≥ 0.5);
 *  3. sustained deal creation with its events through the outbox to RabbitMQ (target ≥ 1,000 deals/s).
 * CRM (+ Auth), the Gateway and the bare endpoint each run in their own process, the load in this one.
 *
 *   npm run bench:crm   (BENCH_SECONDS=5 BENCH_ROUNDS=3 BENCH_CONNECTIONS=32 BENCH_DEALS=100000
 *                        BENCH_CLIENTS=50000 BENCH_USERS=20)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureUser, runAuthMigrations } from '@polis/auth';
import { createEventBus } from '@polis/bus';
import { createCache } from '@polis/cache';
import { runCrmMigrations } from '@polis/crm';
import { createDatabase } from '@polis/db';
import { createGatewayService, loadGatewayConfig } from '@polis/gateway';
import { createPostgresDatabase, deleteRedisKeys, dropPostgresDatabase, realServers } from '@polis/testing';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import pg from 'pg';
import { BENCH_ISSUER, silentLogger, startAuthAndCrm, stopOn } from './bench-services.js';
import { envNumber, format, median, percentile } from './stats.js';

const seconds = envNumber('BENCH_SECONDS', 5);
const rounds = envNumber('BENCH_ROUNDS', 3);
const connections = envNumber('BENCH_CONNECTIONS', 32);
const dealCount = envNumber('BENCH_DEALS', 100_000);
const clientCount = envNumber('BENCH_CLIENTS', 50_000);
const userCount = envNumber('BENCH_USERS', 20);
const PASSWORD = 'Bench-Passw0rd!';
const STATUS = 'in_progress';

/**
 * The list query CRM runs for a sales agent (the repository's two visibility branches: owned deals
 * and team deals, each read in list order, merged); CRM's row-level security checks the same again.
 */
const COLUMNS = `id, client_id, owner_id, title, description, status, next_review_at, version, is_deleted, created_at,
  updated_at, to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_updated_at`;
const LIST_SQL = `
(select ${COLUMNS} from crm.deals
 where is_deleted = false and status in ($2) and owner_id = $1
 order by next_review_at asc, updated_at asc, id asc limit 51)
union all
(select ${COLUMNS} from crm.deals
 where is_deleted = false and status in ($2)
   and id in (select deal_id from crm.deal_participants where user_id = $1) and (owner_id is null or owner_id <> $1)
 order by next_review_at asc, updated_at asc, id asc limit 51)
order by next_review_at asc, updated_at asc, id asc limit 51`;

/* ------------------------------------------------------------------------------------------------
 * Child processes: each prints one JSON line `{"url": ...}` once it listens, and stops on SIGTERM.
 * ---------------------------------------------------------------------------------------------- */

function announce(value: Record<string, string>): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

async function serveCrm(): Promise<void> {
  const services = await startAuthAndCrm({ applicationName: 'crm-bench', poolMax: connections + 8 });
  announce({ auth: services.authUrl, crm: services.crmUrl });
  stopOn(() => services.close());
}

async function serveGateway(): Promise<void> {
  const env = process.env;
  const cache = createCache({ url: realServers.redisUrl, keyPrefix: `${env.BENCH_PREFIX}:` });
  const gateway = await createGatewayService({
    config: loadGatewayConfig({
      GATEWAY_UPSTREAM_AUTH_BASE_URL: env.BENCH_AUTH_URL,
      GATEWAY_UPSTREAM_CRM_BASE_URL: env.BENCH_CRM_URL,
      AUTH_JWT_ISSUER: BENCH_ISSUER,
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      GATEWAY_RATE_LIMIT_PER_MINUTE: '100000000',
    }),
    cache,
    logger: silentLogger,
    port: 0,
    host: '127.0.0.1',
  });
  announce({ gateway: gateway.url });
  stopOn(async () => {
    await gateway.close();
    await cache.close();
  });
}

async function serveBare(): Promise<void> {
  const env = process.env;
  const pool = new pg.Pool({ connectionString: env.BENCH_DATABASE_URL, max: connections + 8 });
  const agentId = env.BENCH_AGENT_ID as string;
  const app = Fastify({ logger: false });
  // `/deals` sends the SQL unnamed (parsed and planned on every call, node-postgres' default);
  // `/deals-prepared` as a named prepared statement, as CRM's database layer does.
  const list = (prepared: boolean) => async (request: { query: unknown }) => {
    const query = request.query as { status?: string; limit?: string };
    const values = [agentId, query.status ?? STATUS];
    const { rows } = await pool.query(
      prepared ? { name: 'bench_deals_list', text: LIST_SQL, values } : { text: LIST_SQL, values },
    );
    const limit = Number(query.limit ?? 50);
    return {
      items: rows.slice(0, limit).map((row) => ({
        id: row.id,
        clientId: row.client_id,
        title: row.title,
        description: row.description,
        status: row.status,
        ownerId: row.owner_id,
        nextReviewAt: row.next_review_at,
        isDeleted: row.is_deleted,
        version: row.version,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
      })),
      nextCursor: rows.length > limit ? 'next' : null,
    };
  };
  app.get('/deals', list(false));
  app.get('/deals-prepared', list(true));
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  announce({ bare: address });
  stopOn(async () => {
    await app.close();
    await pool.end();
  });
}

/* ------------------------------------------------------------------------------------------------
 * The benchmark
 * ---------------------------------------------------------------------------------------------- */

const children: ChildProcess[] = [];

async function start(role: string, env: Record<string, string>): Promise<Record<string, string>> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), role], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code} before it was ready`)));
    lines.once('line', (line) => resolve(JSON.parse(line) as Record<string, string>));
  });
}

async function seed(url: string, users: string[]): Promise<{ seconds: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = performance.now();
  try {
    const sellers = users.slice(0, users.length - 3);
    const executors = users.slice(users.length - 3);
    // Deterministic ids (md5 → uuid) let deals find their client without a join.
    await client.query(
      `insert into crm.clients (id, owner_id, name, email, phone, status, type, created_at, updated_at)
       select md5('client' || i)::uuid, ($1::uuid[])[1 + i % cardinality($1::uuid[])],
              'Клиент ' || i || ' ' || (array['Страхование', 'Логистика', 'Медцентр', 'Строй'])[1 + i % 4],
              'client' || i || '@example.com', '+7-900-' || lpad(i::text, 7, '0'),
              (array['active', 'inactive', 'prospect'])[1 + i % 3], (array['company', 'individual'])[1 + i % 2],
              now() - make_interval(days => i % 700), now() - make_interval(days => i % 300)
       from generate_series(1, $2::int) i`,
      [sellers, clientCount],
    );
    await client.query(
      `insert into crm.deals (id, client_id, owner_id, title, description, status, next_review_at, created_at, updated_at)
       select md5('deal' || i)::uuid, md5('client' || (1 + i % $2::int))::uuid,
              ($1::uuid[])[1 + (1 + i % $2::int) % cardinality($1::uuid[])],
              (array['КАСКО', 'ОСАГО', 'ДМС', 'Имущество', 'Ответственность'])[1 + i % 5] || ' №' || i,
              'Сделка для нагрузочного теста',
              (array['qualification', 'in_progress', 'proposal', 'won', 'lost'])[1 + (i * 7) % 5],
              current_date + ((i * 13) % 181 - 60),
              now() - make_interval(days => i % 400, secs => i % 86400), now() - make_interval(secs => i % 86400)
       from generate_series(1, $3::int) i`,
      [sellers, clientCount, dealCount],
    );
    // Every tenth deal has an executor on its team, every twentieth a second seller.
    await client.query(
      `insert into crm.deal_participants (deal_id, user_id)
       select md5('deal' || i)::uuid, ($1::uuid[])[1 + i % cardinality($1::uuid[])]
       from generate_series(3, $2::int, 10) i`,
      [executors, dealCount],
    );
    await client.query(
      `insert into crm.deal_participants (deal_id, user_id)
       select md5('deal' || i)::uuid, ($1::uuid[])[1 + (i / 20) % cardinality($1::uuid[])]
       from generate_series(7, $2::int, 20) i
       on conflict do nothing`,
      [sellers, dealCount],
    );
    await client.query('analyze crm.clients; analyze crm.deals; analyze crm.deal_participants');
  } finally {
    await client.end();
  }
  return { seconds: (performance.now() - started) / 1000 };
}

interface Run {
  rps: number;
  ok: number;
  p50: number;
  p95: number;
  non2xx: number;
}

async function load(options: autocannon.Options): Promise<Run> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error: unknown, finished: autocannon.Result) =>
      error ? reject(error) : resolve(finished),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  return {
    rps: result['2xx'] / result.duration,
    ok: result['2xx'],
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    non2xx: result.non2xx + result.errors,
  };
}

async function main(): Promise<void> {
  const id = `bench_crm_${Date.now().toString(36)}`;
  const databaseUrl = await createPostgresDatabase(id);
  const db = await createDatabase({ url: databaseUrl });
  const bus = createEventBus({ url: realServers.rabbitmqUrl, prefix: id, temporary: true });
  try {
    await runAuthMigrations(db);
    await runCrmMigrations(db);
    const users = Array.from({ length: userCount }, () => randomUUID());
    for (const [index, userId] of users.entries()) {
      await ensureUser(
        { db, passwordHash: { memoryKib: 1024, iterations: 1 } },
        {
          id: userId,
          email: `bench.user${index}@example.com`,
          fullName: `Bench ${index}`,
          password: PASSWORD,
          roles: [index >= userCount - 3 ? 'ROLE_EXECUTOR' : 'ROLE_SALES_AGENT'],
          auditKey: 'auth.user.created',
        },
      );
    }
    const seeded = await seed(databaseUrl, users);
    console.log(
      `seeded ${format(dealCount)} deals, ${format(clientCount)} clients, ${userCount} users in ${format(seeded.seconds, 1)} s`,
    );

    // A queue on crm.events so published deal events are routed and counted.
    let delivered = 0;
    await bus.subscribe({
      queue: 'bench.crm.events',
      exchange: 'crm.events',
      bindings: ['#'],
      prefetch: 500,
      handler: async () => {
        delivered += 1;
      },
    });

    const agentId = users[1] as string;
    const { auth: authUrl, crm: crmUrl } = await start('crm', { BENCH_DATABASE_URL: databaseUrl, BENCH_PREFIX: id });
    const { gateway: gatewayUrl } = await start('gateway', {
      BENCH_PREFIX: id,
      BENCH_AUTH_URL: authUrl as string,
      BENCH_CRM_URL: crmUrl as string,
    });
    const { bare: bareUrl } = await start('bare', { BENCH_DATABASE_URL: databaseUrl, BENCH_AGENT_ID: agentId });

    const login = await fetch(`${authUrl}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench.user1@example.com', password: PASSWORD }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const authorization = `Bearer ${accessToken}`;

    const listPath = `/api/v1/crm/deals?status=${STATUS}&limit=50`;
    const check = await fetch(`${gatewayUrl}${listPath}`, { headers: { authorization } });
    const page = (await check.json()) as { items: unknown[] };
    const bare = (await (await fetch(`${bareUrl}/deals?status=${STATUS}&limit=50`)).json()) as { items: unknown[] };
    if (check.status !== 200 || page.items.length !== bare.items.length) {
      throw new Error(
        `the two endpoints disagree: ${check.status}, ${page.items.length} vs ${bare.items.length} items`,
      );
    }

    const viaGateway = (duration: number) =>
      load({ url: `${gatewayUrl}${listPath}`, connections, duration, headers: { authorization } });
    const direct = (duration: number) =>
      load({ url: `${bareUrl}/deals?status=${STATUS}&limit=50`, connections, duration });
    const directPrepared = (duration: number) =>
      load({ url: `${bareUrl}/deals-prepared?status=${STATUS}&limit=50`, connections, duration });
    const crmOnly = (duration: number) =>
      load({ url: `${crmUrl}${listPath}`, connections, duration, headers: { authorization } });
    await viaGateway(2);
    await direct(2);
    const gatewayRuns: Run[] = [];
    const bareRuns: Run[] = [];
    const preparedRuns: Run[] = [];
    const crmRuns: Run[] = [];
    for (let round = 0; round < rounds; round += 1) {
      gatewayRuns.push(await viaGateway(seconds));
      bareRuns.push(await direct(seconds));
      preparedRuns.push(await directPrepared(seconds));
      crmRuns.push(await crmOnly(seconds));
    }
    const describe = (label: string, runs: Run[]) =>
      `${label}: median ${format(median(runs.map((run) => run.rps)))} req/s, p50 ${format(median(runs.map((run) => run.p50)), 1)} ms, p95 ${format(median(runs.map((run) => run.p95)), 1)} ms (errors/non-2xx ${runs.reduce((sum, run) => sum + run.non2xx, 0)})`;
    console.log(`GET ${listPath} at ${connections} connections, ${rounds} rounds of ${seconds} s:`);
    console.log(`  ${describe('Gateway → CRM (sales agent)', gatewayRuns)}`);
    console.log(`  ${describe('bare Fastify + pg, same SQL', bareRuns)}`);
    console.log(`  ${describe('bare, same SQL as a prepared statement (reference)', preparedRuns)}`);
    console.log(`  ${describe('CRM without the Gateway (reference)', crmRuns)}`);
    const rps = (runs: Run[]) => median(runs.map((run) => run.rps));
    console.log(
      `  throughput ratio ${format(rps(gatewayRuns) / rps(bareRuns), 2)} (target >= 0.5; ` +
        `${format(rps(gatewayRuns) / rps(preparedRuns), 2)} against the prepared bare), Gateway p95 target < 20 ms`,
    );

    const clientId = (await (
      await fetch(`${crmUrl}/api/v1/crm/clients?limit=1`, { headers: { authorization } })
    ).json()) as {
      items: Array<{ id: string }>;
    };
    const body = JSON.stringify({
      clientId: clientId.items[0]?.id,
      title: 'Нагрузочная сделка',
      nextReviewAt: '2030-01-01',
    });
    const create = (base: string) =>
      load({
        url: `${base}/api/v1/crm/deals`,
        method: 'POST',
        connections,
        duration: seconds,
        headers: { authorization, 'content-type': 'application/json' },
        body,
      });
    for (const [label, base] of [
      ['direct to CRM', crmUrl as string],
      ['through the Gateway', gatewayUrl as string],
    ] as const) {
      const before = delivered;
      const started = performance.now();
      const run = await create(base);
      const loadSeconds = (performance.now() - started) / 1000;
      const created = run.ok;
      const deadline = Date.now() + 120_000;
      while (delivered - before < created && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const allSeconds = (performance.now() - started) / 1000;
      console.log(
        `POST /api/v1/crm/deals ${label}: ${format(run.rps)} deals/s (p95 ${format(run.p95, 1)} ms, non-2xx ${run.non2xx}); ` +
          `${format(delivered - before)} deal.created events delivered, all within ${format(allSeconds - loadSeconds, 2)} s after the load ` +
          `(${format((delivered - before) / allSeconds)} events/s end to end); target >= 1,000 deals/s`,
      );
    }
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map(
        (child) => new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null))),
      ),
    );
    await bus.close();
    await db.close();
    await dropPostgresDatabase(id);
    await deleteRedisKeys(`${id}:*`);
  }
}

const role = process.argv[2];
if (role === 'crm') await serveCrm();
else if (role === 'gateway') await serveGateway();
else if (role === 'bare') await serveBare();
else await main();
