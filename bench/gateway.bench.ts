/**
 * Gateway figures.
 *
 * 1. Proxy overhead: `GET /api/v1/auth/me` through the Gateway (its own process) versus directly on
 *    Auth (this process; PGlite + memory adapters, or PostgreSQL, RabbitMQ and Redis with
 *    BENCH_BACKEND=real), loaded by autocannon from a worker thread after a warm-up: req/s and
 *    p50/p99 of each, their ratio (target >= 0.6) and the added p99 (target < 2 ms); then the
 *    same pair one request at a time, where the added latency is not hidden by queueing.
 * 2. SSE fan-out: one Gateway process holding BENCH_SSE_STREAMS streams (opened by a second
 *    process, relayed from a stand-in upstream here): the Gateway's RSS (target < 1 GB) and the
 *    time one broadcast frame takes to reach every stream (target < 2 s).
 *
 *   npm run bench:gateway   (BENCH_SECONDS=10 BENCH_CONNECTIONS=64 BENCH_SSE_STREAMS=10000)
 *
 * Figures are printed; nothing is asserted.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, get as httpGet, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createAuthService, ensureUser, loadAuthConfig, type RunningAuthService, runAuthMigrations } from '@polis/auth';
import { createEventBus } from '@polis/bus';
import { type Cache, createCache } from '@polis/cache';
import { createDatabase } from '@polis/db';
import { createGatewayService, loadGatewayConfig, type RunningGatewayService } from '@polis/gateway';
import { createLogger } from '@polis/platform';
import { createPostgresDatabase, dropPostgresDatabase, realServers } from '@polis/testing';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import type { PacedJob, PacedResult } from './paced-load.worker.js';
import { envNumber, format, median, percentile } from './stats.js';

const seconds = envNumber('BENCH_SECONDS', 10);
const connections = envNumber('BENCH_CONNECTIONS', 64);
const requestedStreams = envNumber('BENCH_SSE_STREAMS', 10_000);
const sequentialRequests = envNumber('BENCH_SEQUENTIAL_REQUESTS', 2000);
const pacedShare = envNumber('BENCH_PACED_SHARE', 0.5);
const pacedRounds = envNumber('BENCH_PACED_ROUNDS', 3);
const real = process.env.BENCH_BACKEND === 'real';
const issuer = 'http://auth.bench';
const adminEmail = 'bench.admin@example.com';
const adminPassword = 'Bench-Adm1n-Passw0rd';
const script = fileURLToPath(import.meta.url);
const logger = createLogger({ service: 'bench', level: 'silent' });

interface Backend {
  cache: Cache;
  cacheUrl?: string;
  auth: RunningAuthService;
  close(): Promise<void>;
}

async function startAuthBackend(): Promise<Backend> {
  const id = `bench_gw_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const databaseUrl = real ? await createPostgresDatabase(id) : undefined;
  const db = await createDatabase(databaseUrl ? { url: databaseUrl } : {});
  const bus = createEventBus(real ? { url: realServers.rabbitmqUrl, prefix: id, temporary: true } : {});
  const cacheUrl = real ? realServers.redisUrl : undefined;
  const cache = createCache({ url: cacheUrl, keyPrefix: `${id}:` });
  await runAuthMigrations(db);
  const config = loadAuthConfig({ AUTH_JWT_ISSUER: issuer, AUTH_LOGIN_MAX_PER_MINUTE: '100000' });
  await ensureUser(
    { db, passwordHash: config.passwordHash },
    {
      email: adminEmail,
      fullName: 'Bench Admin',
      password: adminPassword,
      roles: ['ROLE_ADMIN'],
      auditKey: 'auth.user.created',
    },
  );
  const auth = await createAuthService({
    config,
    db,
    bus,
    cache,
    logger,
    port: 0,
    host: '127.0.0.1',
  });
  const backend: Backend = {
    cache,
    auth,
    async close() {
      await auth.close();
      await bus.close();
      await cache.close();
      await db.close();
      if (databaseUrl) await dropPostgresDatabase(id);
    },
  };
  if (cacheUrl) backend.cacheUrl = cacheUrl;
  return backend;
}

function gatewayEnv(authUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    GATEWAY_UPSTREAM_AUTH_BASE_URL: authUrl,
    AUTH_JWT_ISSUER: issuer,
    GATEWAY_RATE_LIMIT_PER_MINUTE: '1000000000',
    SESSION_SECRET: 'bench-session-secret-0123456789',
    ...extra,
  };
}

async function login(authUrl: string): Promise<string> {
  const response = await fetch(`${authUrl}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: adminEmail, password: adminPassword }),
  });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

interface LoadFigures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(url: string, token: string, durationSec: number): Promise<LoadFigures> {
  const result = await autocannon({
    url,
    connections,
    duration: durationSec,
    headers: { authorization: `Bearer ${token}` },
    // The load generator gets its own thread, so it does not steal the servers' event loop.
    workers: 1,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

/** A fixed request rate over `connections` connections, from a worker thread (paced-load.worker). */
function paced(url: string, token: string, rate: number): Promise<PacedResult> {
  const job: PacedJob = { url, headers: { authorization: `Bearer ${token}` }, rate, seconds, connections };
  const worker = new Worker(new URL('./paced-load.worker.js', import.meta.url), { workerData: job });
  return new Promise((resolve, reject) => {
    worker.once('message', (result: PacedResult) => void worker.terminate().then(() => resolve(result)));
    worker.once('error', reject);
  });
}

/** One request at a time, alternating the two targets, timed with hrtime. */
async function sequential(targets: Record<'direct' | 'gateway', string>, token: string) {
  const pools = {
    direct: new Pool(new URL(targets.direct).origin, { connections: 1 }),
    gateway: new Pool(new URL(targets.gateway).origin, { connections: 1 }),
  };
  const samples: Record<'direct' | 'gateway', number[]> = { direct: [], gateway: [] };
  for (let i = 0; i < sequentialRequests; i++) {
    for (const name of ['direct', 'gateway'] as const) {
      const started = process.hrtime.bigint();
      const response = await pools[name].request({
        method: 'GET',
        path: new URL(targets[name]).pathname,
        headers: { authorization: `Bearer ${token}` },
      });
      await response.body.text();
      samples[name].push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  await Promise.all([pools.direct.close(), pools.gateway.close()]);
  return samples;
}

async function proxyOverhead(backend: Backend): Promise<void> {
  // The Gateway runs in its own process, as deployed: sharing Auth's event loop would charge the
  // Gateway's work to Auth's latency and the other way round.
  const gatewayChild = spawnRole('gateway-process', {
    BENCH_GATEWAY_ENV: JSON.stringify(gatewayEnv(backend.auth.url)),
    BENCH_CACHE_URL: backend.cacheUrl ?? '',
  });
  const gateway = { url: String((await nextMessage(gatewayChild, 'ready')).url) };
  try {
    const token = await login(backend.auth.url);
    const direct = `${backend.auth.url}/api/v1/auth/me`;
    const viaGateway = `${gateway.url}/api/v1/auth/me`;
    console.log(
      `\nProxy overhead: GET /api/v1/auth/me, ${connections} connections, ${seconds} s each (${real ? 'real servers' : 'embedded'})`,
    );
    await load(direct, token, 2);
    await load(viaGateway, token, 2);
    const directFigures = await load(direct, token, seconds);
    const gatewayFigures = await load(viaGateway, token, seconds);
    const row = (name: string, f: LoadFigures) =>
      console.log(
        `  ${name.padEnd(14)} ${format(f.rps).padStart(8)} req/s   p50 ${format(f.p50, 1)} ms   p99 ${format(f.p99, 1)} ms   errors ${f.errors}`,
      );
    row('direct (Auth)', directFigures);
    row('via Gateway', gatewayFigures);
    console.log(
      `  ratio ${format(gatewayFigures.rps / directFigures.rps, 2)} (target >= 0.6)   added p99 ${format(gatewayFigures.p99 - directFigures.p99, 1)} ms (target < 2 ms)`,
    );

    // The same 64 connections at a fixed rate well below either target's capacity, alternating the
    // two targets for `pacedRounds` rounds: the median of each side's p99.
    const rate = Math.max(10, Math.round(pacedShare * Math.min(directFigures.rps, gatewayFigures.rps)));
    const pacedP99: Record<'direct' | 'gateway', number[]> = { direct: [], gateway: [] };
    let pacedErrors = 0;
    for (let round = 0; round < pacedRounds; round++) {
      for (const [name, url] of [
        ['direct', direct],
        ['gateway', viaGateway],
      ] as const) {
        const result = await paced(url, token, rate);
        pacedP99[name].push(percentile(result.latencies, 99));
        pacedErrors += result.errors;
      }
    }
    const pd99 = median(pacedP99.direct);
    const pg99 = median(pacedP99.gateway);
    console.log(
      `\n  ${connections} connections at a fixed ${format(rate)} req/s (${format(pacedShare * 100)}% of the lower throughput), ` +
        `${pacedRounds} alternating rounds of ${seconds} s, median p99:`,
    );
    console.log(
      `  direct p99 ${format(pd99, 2)} ms   via Gateway p99 ${format(pg99, 2)} ms   added p99 ${format(pg99 - pd99, 2)} ms (target < 2 ms)   errors ${pacedErrors}`,
    );

    const samples = await sequential({ direct, gateway: viaGateway }, token);
    const d50 = percentile(samples.direct, 50);
    const d99 = percentile(samples.direct, 99);
    const g50 = percentile(samples.gateway, 50);
    const g99 = percentile(samples.gateway, 99);
    console.log(
      `\n  one request at a time (${sequentialRequests} each), where queueing does not hide the added latency:`,
    );
    console.log(
      `  direct p50 ${format(d50, 2)} ms  p99 ${format(d99, 2)} ms   via Gateway p50 ${format(g50, 2)} ms  p99 ${format(g99, 2)} ms`,
    );
    console.log(`  added p50 ${format(g50 - d50, 2)} ms   added p99 ${format(g99 - d99, 2)} ms (target < 2 ms)`);
  } finally {
    gatewayChild.send({ type: 'close' });
    await new Promise((resolve) => gatewayChild.once('exit', resolve));
  }
}

/** How many file descriptors a process may open; the Gateway needs two per stream (client + upstream). */
function descriptorLimit(kind: 'soft' | 'hard'): number {
  const output = execFileSync('sh', ['-c', kind === 'soft' ? 'ulimit -n' : 'ulimit -Hn'], { encoding: 'utf8' }).trim();
  return output === 'unlimited' ? 1_000_000 : Number(output);
}

/** Starts this script in another role, with the descriptor limit raised to the hard limit. */
function spawnRole(role: string, env: Record<string, string>): ChildProcess {
  const hard = descriptorLimit('hard');
  return spawn(
    'sh',
    ['-c', `ulimit -n ${hard} 2>/dev/null; exec "$0" --expose-gc "$1" "$2"`, process.execPath, script, role],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...env, LOG_LEVEL: 'silent' },
    },
  );
}

type Message = { type: string; [key: string]: unknown };

function nextMessage(child: ChildProcess, type: string, timeoutMs = 600_000): Promise<Message> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${type}' from the child within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: Message) => {
      if (message.type !== type) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before '${type}'`)));
  });
}

/** Stands in for CRM's internal deal stream: holds every connection and broadcasts on demand. */
async function startBroadcaster() {
  const open = new Set<ServerResponse>();
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    response.write(': hello\n\n');
    open.add(response);
    response.on('close', () => open.delete(response));
  });
  server.maxConnections = Number.POSITIVE_INFINITY;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 2048, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/internal/v1/streams/deals`,
    connections: () => open.size,
    broadcast(id: string) {
      const frame = `id: ${id}\nevent: deal.updated\ndata: ${JSON.stringify({ dealId: id, sentAt: Date.now() })}\n\n`;
      for (const response of open) response.write(frame);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function sseFanOut(backend: Backend): Promise<void> {
  const limit = descriptorLimit('hard');
  // Two descriptors per stream in the Gateway, plus some for everything else.
  const fit = Math.floor((limit - 512) / 2);
  const streams = Math.min(requestedStreams, fit);
  console.log(`\nSSE fan-out: ${format(streams)} streams in one Gateway process`);
  if (streams < requestedStreams) {
    console.log(
      `  (capped from ${format(requestedStreams)}: the descriptor limit is ${limit} and the Gateway holds 2 per stream)`,
    );
  }
  const broadcaster = await startBroadcaster();
  const token = await login(backend.auth.url);
  const gatewayChild = spawnRole('gateway-process', {
    BENCH_GATEWAY_ENV: JSON.stringify(
      gatewayEnv(backend.auth.url, {
        GATEWAY_UPSTREAM_CRM_SSE_URL: broadcaster.url,
        GATEWAY_SSE_MAX_STREAMS_PER_USER: String(streams + 100),
      }),
    ),
    BENCH_CACHE_URL: backend.cacheUrl ?? '',
  });
  let clients: ChildProcess | undefined;
  try {
    const ready = await nextMessage(gatewayChild, 'ready');
    const rss = async () => {
      gatewayChild.send({ type: 'rss' });
      return Number((await nextMessage(gatewayChild, 'rss')).rss);
    };
    const idle = await rss();
    clients = spawnRole('sse-clients', {
      BENCH_STREAM_URL: `${String(ready.url)}/api/v1/streams/deals`,
      BENCH_STREAM_TOKEN: token,
      BENCH_STREAM_COUNT: String(streams),
    });
    const opened = await nextMessage(clients, 'opened');
    const started = Date.now();
    while (broadcaster.connections() < streams && Date.now() - started < 60_000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    console.log(
      `  opened ${format(Number(opened.count))} client streams in ${format(Number(opened.ms) / 1000, 1)} s; upstream streams ${format(broadcaster.connections())}`,
    );
    const loaded = await rss();
    console.log(
      `  Gateway RSS idle ${format(idle / 2 ** 20)} MB, with streams ${format(loaded / 2 ** 20)} MB (target < 1024 MB), ${format((loaded - idle) / streams / 1024, 1)} KB per stream`,
    );

    for (const round of [1, 2, 3]) {
      const id = `bench-${round}`;
      clients.send({ type: 'expect', id });
      await nextMessage(clients, 'expecting');
      const sentAt = Date.now();
      broadcaster.broadcast(id);
      const received = await nextMessage(clients, 'received', 120_000);
      console.log(
        `  broadcast ${round}: first stream after ${Number(received.firstAt) - sentAt} ms, all ${format(Number(received.count))} after ${Number(received.lastAt) - sentAt} ms (target < 2000 ms)`,
      );
    }
  } finally {
    clients?.send({ type: 'close' });
    gatewayChild.send({ type: 'close' });
    await Promise.allSettled([
      clients ? new Promise((resolve) => clients?.once('exit', resolve)) : Promise.resolve(),
      new Promise((resolve) => gatewayChild.once('exit', resolve)),
    ]);
    await broadcaster.close();
  }
}

/** Child role: one Gateway, reporting its memory on request. */
async function runGatewayProcess(): Promise<void> {
  const env = JSON.parse(process.env.BENCH_GATEWAY_ENV ?? '{}') as Record<string, string>;
  const cacheUrl = process.env.BENCH_CACHE_URL || undefined;
  const cache = createCache({ url: cacheUrl, keyPrefix: `bench-gw-${process.pid}:` });
  const gateway: RunningGatewayService = await createGatewayService({
    config: loadGatewayConfig(env),
    cache,
    logger,
    port: 0,
    host: '127.0.0.1',
  });
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', (message: Message) => {
    if (message.type === 'rss') {
      gc?.();
      process.send?.({ type: 'rss', rss: process.memoryUsage().rss, streams: gateway.openStreams() });
    } else if (message.type === 'close') {
      void gateway
        .close()
        .then(() => cache.close())
        .finally(() => process.exit(0));
    }
  });
  process.send?.({ type: 'ready', url: gateway.url });
}

/** Child role: opens the client streams and reports when a broadcast frame reached all of them. */
async function runSseClients(): Promise<void> {
  const url = process.env.BENCH_STREAM_URL ?? '';
  const token = process.env.BENCH_STREAM_TOKEN ?? '';
  const count = Number(process.env.BENCH_STREAM_COUNT ?? '0');
  const streams: Array<{ text: string; destroy(): void }> = [];
  let expected: string | undefined;
  let received = 0;
  let firstAt = 0;
  const onData = (stream: { text: string }, chunk: string) => {
    if (expected === undefined) return;
    stream.text += chunk;
    if (!stream.text.includes(`id: ${expected}\n`)) return;
    stream.text = '';
    received += 1;
    if (received === 1) firstAt = Date.now();
    if (received === count) {
      process.send?.({ type: 'received', count: received, firstAt, lastAt: Date.now() });
      expected = undefined;
    }
  };
  const openOne = () =>
    new Promise<void>((resolve, reject) => {
      const request = httpGet(
        url,
        { agent: false, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } },
        (response) => {
          if (response.statusCode !== 200) {
            reject(new Error(`stream refused: ${response.statusCode}`));
            return;
          }
          response.setEncoding('utf8');
          const stream = { text: '', destroy: () => request.destroy() };
          streams.push(stream);
          response.on('data', (chunk: string) => onData(stream, chunk));
          resolve();
        },
      );
      request.on('error', reject);
    });
  const started = Date.now();
  const batch = 250;
  for (let opened = 0; opened < count; opened += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, count - opened) }, openOne));
  }
  process.send?.({ type: 'opened', count: streams.length, ms: Date.now() - started });
  process.on('message', (message: Message) => {
    if (message.type === 'expect') {
      expected = String(message.id);
      received = 0;
      for (const stream of streams) stream.text = '';
      process.send?.({ type: 'expecting' });
    } else if (message.type === 'close') {
      for (const stream of streams) stream.destroy();
      process.exit(0);
    }
  });
}

async function main(): Promise<void> {
  const backend = await startAuthBackend();
  try {
    await proxyOverhead(backend);
    await sseFanOut(backend);
  } finally {
    await backend.close();
  }
}

const role = process.argv[2];
if (role === 'gateway-process') await runGatewayProcess();
else if (role === 'sse-clients') await runSseClients();
else {
  await main();
  process.exit(0);
}
