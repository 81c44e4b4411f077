/**
 * Payments CSV import (issue 5): a 100,000-line file through the Gateway into CRM, as a sales agent.
 *  1. starts Auth, CRM and the Gateway in this process on the local PostgreSQL, RabbitMQ and Redis
 *     (a fresh database, dropped afterwards), as production runs them; BENCH_BACKEND=embedded uses
 *     PGlite and the in-process bus instead (there the database engine itself lives in this process,
 *     so its memory counts in the RSS figure);
 *  2. seeds 100 deals × 10 payments of the agent with set-based SQL;
 *  3. writes the CSV to a temporary file as a stream (`;`-separated, BOM, like Excel in Russian);
 *  4. uploads it with `mode=dry-run`, then `mode=apply`, reading the NDJSON answer as it streams,
 *     and prints the duration (median of BENCH_RUNS runs), rows/s and the growth of this process's
 *     RSS over its value before the first upload (targets: < 20 s, < 200 MB). Before each run the
 *     outbox of the previous apply is drained, so the runs do not overlap with publishing.
 *
 *   npm run bench:import   (BENCH_ROWS=100000 BENCH_RUNS=3 BENCH_BACKEND=real|embedded BENCH_HEAP_MB=256)
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createAuthService, ensureUser, loadAuthConfig, runAuthMigrations } from '@polis/auth';
import { createCrmService, loadCrmConfig, runCrmMigrations } from '@polis/crm';
import { createGatewayService, loadGatewayConfig } from '@polis/gateway';
import { createLogger } from '@polis/platform';
import { startTestBackend } from '@polis/testing';
import { envNumber, format, median } from './stats.js';

const rowCount = envNumber('BENCH_ROWS', 100_000);
const runs = envNumber('BENCH_RUNS', 3);
const real = process.env.BENCH_BACKEND !== 'embedded';
const DEALS = 100;
const PAYMENTS_PER_POLICY = 10;
const ISSUER = 'http://auth.bench';
const PASSWORD = 'Bench-Passw0rd!';
const silent = createLogger({ service: 'bench', level: 'silent' });
const MB = 1024 * 1024;
const signedMb = (bytes: number) => `${bytes >= 0 ? '+' : ''}${format(bytes / MB)} MB`;

interface Upload {
  seconds: number;
  progressLines: number;
  last: Record<string, unknown>;
  peakRss: number;
  peakHeap: number;
}

/** Streams the file up and the NDJSON answer down, sampling the RSS while it runs. */
async function upload(url: string, token: string, file: string): Promise<Upload> {
  let peakRss = process.memoryUsage().rss;
  let peakHeap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  }, 50);
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: Readable.toWeb(createReadStream(file)) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    if (response.status !== 200 || !response.body) {
      throw new Error(`import answered ${response.status}: ${await response.text()}`);
    }
    let progressLines = 0;
    let last: Record<string, unknown> = {};
    let pending = '';
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      pending += decoder.decode(chunk, { stream: true });
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        const line = JSON.parse(pending.slice(0, newline)) as Record<string, unknown>;
        pending = pending.slice(newline + 1);
        if (line.type === 'progress') progressLines += 1;
        else last = line;
        newline = pending.indexOf('\n');
      }
    }
    return { seconds: (performance.now() - started) / 1000, progressLines, last, peakRss, peakHeap };
  } finally {
    clearInterval(sampler);
  }
}

/** The import file: BOM, `;`, every row a kopeck amount on one of the agent's payments. */
async function writeCsv(file: string, policyNumbers: string[]): Promise<number> {
  const out = createWriteStream(file);
  const write = (text: string) =>
    out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve()));
  await write('\uFEFFpolicy_number;payment_sequence;direction;amount;currency;category;posted_at;note\r\n');
  for (let row = 0; row < rowCount; row += 1) {
    const policy = policyNumbers[row % policyNumbers.length] as string;
    const sequence = 1 + (Math.floor(row / policyNumbers.length) % PAYMENTS_PER_POLICY);
    const income = row % 5 !== 0;
    const amount = `${1 + (row % 900)}.${String(row % 100).padStart(2, '0')}`;
    const line = income
      ? `${policy};${sequence};income;${amount};RUB;premium;01.11.2025;п/п ${row}\r\n`
      : `${policy};${sequence};expense;${amount};RUB;agent_fee;2025-11-01;\r\n`;
    await write(line);
  }
  out.end();
  await finished(out);
  return (await stat(file)).size;
}

async function main(): Promise<void> {
  const backend = await startTestBackend(real ? 'real' : 'embedded');
  const directory = await mkdtemp(join(tmpdir(), 'polis-import-bench-'));
  const closers: Array<() => Promise<void>> = [];
  try {
    await runAuthMigrations(backend.db);
    await runCrmMigrations(backend.db);
    const agentId = randomUUID();
    await ensureUser(
      { db: backend.db, passwordHash: { memoryKib: 1024, iterations: 1 } },
      {
        id: agentId,
        email: 'bench.agent@example.com',
        fullName: 'Bench Agent',
        password: PASSWORD,
        roles: ['ROLE_SALES_AGENT'],
        auditKey: 'auth.user.created',
      },
    );
    // The agent's clients, deals, policies and payments, set-based (deterministic md5 ids).
    await backend.db.query(
      `insert into crm.clients (id, owner_id, name) select md5('c' || i)::uuid, $1, 'Клиент ' || i from generate_series(1, $2::int) i`,
      [agentId, DEALS],
    );
    await backend.db.query(
      `insert into crm.deals (id, client_id, owner_id, title, status, next_review_at)
       select md5('d' || i)::uuid, md5('c' || i)::uuid, $1, 'Сделка ' || i, 'won', current_date from generate_series(1, $2::int) i`,
      [agentId, DEALS],
    );
    await backend.db.query(
      `insert into crm.policies (id, client_id, deal_id, owner_id, policy_number, status, premium)
       select md5('p' || i)::uuid, md5('c' || i)::uuid, md5('d' || i)::uuid, $1, 'BENCH-' || lpad(i::text, 5, '0'), 'active', 1000000
       from generate_series(1, $2::int) i`,
      [agentId, DEALS],
    );
    await backend.db.query(
      `insert into crm.payments (id, deal_id, policy_id, sequence, planned_amount)
       select md5('y' || i || '-' || s)::uuid, md5('d' || i)::uuid, md5('p' || i)::uuid, s, 100000
       from generate_series(1, $1::int) i, generate_series(1, $2::int) s`,
      [DEALS, PAYMENTS_PER_POLICY],
    );
    const policyNumbers = Array.from({ length: DEALS }, (_, index) => `BENCH-${String(index + 1).padStart(5, '0')}`);

    const auth = await createAuthService({
      config: loadAuthConfig({ AUTH_JWT_ISSUER: ISSUER, AUTH_LOGIN_MAX_PER_MINUTE: '100000' }),
      db: backend.db,
      bus: backend.bus,
      cache: backend.cache,
      logger: silent,
      port: 0,
      host: '127.0.0.1',
    });
    closers.push(() => auth.close());
    const crm = await createCrmService({
      config: loadCrmConfig({ AUTH_JWKS_URL: `${auth.url}/.well-known/jwks.json`, AUTH_JWT_ISSUER: ISSUER }),
      db: backend.db,
      bus: backend.bus,
      cache: backend.cache,
      logger: silent,
      port: 0,
      host: '127.0.0.1',
    });
    closers.push(() => crm.close());
    const gateway = await createGatewayService({
      config: loadGatewayConfig({
        GATEWAY_UPSTREAM_AUTH_BASE_URL: auth.url,
        GATEWAY_UPSTREAM_CRM_BASE_URL: crm.url,
        AUTH_JWT_ISSUER: ISSUER,
        SESSION_SECRET: randomBytes(32).toString('base64url'),
        GATEWAY_RATE_LIMIT_PER_MINUTE: '100000000',
      }),
      cache: backend.cache,
      logger: silent,
      port: 0,
      host: '127.0.0.1',
    });
    closers.push(() => gateway.close());

    const login = await fetch(`${auth.url}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench.agent@example.com', password: PASSWORD }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };

    const file = join(directory, 'payments.csv');
    const bytes = await writeCsv(file, policyNumbers);
    console.log(
      `${real ? 'real PostgreSQL/RabbitMQ/Redis' : 'embedded PGlite'}: ${format(rowCount)} rows, ${format(bytes / MB, 1)} MB CSV, ` +
        `${DEALS * PAYMENTS_PER_POLICY} payments of one sales agent, through the Gateway`,
    );

    const pendingOutbox = async () =>
      (await backend.db.query<{ n: number }>('select count(*)::int as n from crm.outbox where published_at is null'))[0]
        ?.n ?? 0;
    const drain = async () => {
      const started = performance.now();
      while ((await pendingOutbox()) > 0) await new Promise((resolve) => setTimeout(resolve, 200));
      return (performance.now() - started) / 1000;
    };

    global.gc?.();
    const baseline = process.memoryUsage().rss;
    const baselineHeap = process.memoryUsage().heapUsed;
    let peak = baseline;
    for (const mode of ['dry-run', 'apply'] as const) {
      const results: Upload[] = [];
      for (let run = 0; run < runs; run += 1) {
        const drained = await drain();
        if (drained > 0.5) console.log(`  (outbox of the previous apply drained in ${format(drained, 1)} s)`);
        const result = await upload(`${gateway.url}/api/v1/crm/payments/import?mode=${mode}`, accessToken, file);
        if (result.last.type !== 'result') throw new Error(`${mode} did not succeed: ${JSON.stringify(result.last)}`);
        results.push(result);
        peak = Math.max(peak, result.peakRss);
        console.log(
          `  ${mode} run ${run + 1}: ${format(result.seconds, 2)} s, ${format(rowCount / result.seconds)} rows/s, ` +
            `${result.progressLines} progress lines, peak RSS ${signedMb(result.peakRss - baseline)} ` +
            `(JS heap ${signedMb(result.peakHeap - baselineHeap)})`,
        );
      }
      const seconds = median(results.map((result) => result.seconds));
      console.log(
        `${mode}: median ${format(seconds, 2)} s over ${runs} run(s), ${format(rowCount / seconds)} rows/s (target < 20 s)`,
      );
    }
    console.log(`RSS growth of the process: ${format((peak - baseline) / MB)} MB (target < 200 MB)`);
    if (global.gc) {
      // With --expose-gc: what stays once the garbage is collected (the peaks above are mostly garbage).
      global.gc();
      console.log(`after a full GC: heap ${signedMb(process.memoryUsage().heapUsed - baselineHeap)}`);
    }
    const drained = await drain();
    console.log(`outbox of the last apply drained ${format(drained, 1)} s after it answered`);
  } finally {
    for (const close of closers.reverse()) await close();
    await backend.close();
    await rm(directory, { recursive: true, force: true });
  }
}

/**
 * The services run with the V8 heap cap their deployment gives them (deploy/helm: 256 MB for CRM);
 * without one V8 lets garbage pile up far past what the import keeps alive. Here one process hosts
 * Auth, CRM, the Gateway and the client, all under that cap (BENCH_HEAP_MB, 0 = V8's default).
 */
const heapMb = envNumber('BENCH_HEAP_MB', 256);
if (heapMb > 0 && !process.execArgv.some((flag) => flag.startsWith('--max-old-space-size'))) {
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${heapMb}`, ...process.execArgv, ...process.argv.slice(1)],
    {
      stdio: 'inherit',
    },
  );
  child.on('exit', (code) => process.exit(code ?? 1));
} else {
  const cap = process.execArgv.find((flag) => flag.startsWith('--max-old-space-size'));
  console.log(`heap cap: ${cap ? `${cap.split('=')[1]} MB` : 'V8 default'}`);
  await main();
}
