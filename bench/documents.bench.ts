/**
 * Documents figures (issue 7), on the local PostgreSQL, RabbitMQ and Redis:
 *  1. upload and download throughput of one 100 MB file through the Gateway into Documents, against a
 *     bare Node `fs` stream server on the same machine (target ratio ≥ 0.5 each way);
 *  2. the Documents process's peak RSS growth while it receives the upload (target < 64 MB).
 * Auth + CRM, Documents, the Gateway and the bare server each run in their own process; the load runs
 * in this one. RSS is sampled inside the Documents process (`process.memoryUsage().rss` every 10 ms)
 * and reported over IPC: baseline just before each upload, peak during it.
 * The file is generated on disk and streamed from there; nothing holds it in memory.
 *
 *   npm run bench:documents   (BENCH_FILE_MB=100 BENCH_ROUNDS=3 BENCH_DIRECT=1 also measures uploads
 *                              straight at the service)
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { ensureUser, runAuthMigrations } from '@polis/auth';
import { createEventBus } from '@polis/bus';
import { createCache } from '@polis/cache';
import { DEMO_CRM_IDS, runCrmMigrations, seedCrmDemo } from '@polis/crm';
import { createDatabase } from '@polis/db';
import { createDocumentsService, loadDocumentsConfig, runDocumentsMigrations } from '@polis/documents';
import { createGatewayService, loadGatewayConfig } from '@polis/gateway';
import { createJobs } from '@polis/jobs';
import { createPostgresDatabase, deleteRedisKeys, dropPostgresDatabase, realServers } from '@polis/testing';
import { BENCH_ISSUER, silentLogger, startAuthAndCrm, stopOn } from './bench-services.js';
import { envNumber, format, median } from './stats.js';

const fileMb = envNumber('BENCH_FILE_MB', 100);
const rounds = envNumber('BENCH_ROUNDS', 3);
const direct = process.env.BENCH_DIRECT !== '0';
const PASSWORD = 'Bench-Passw0rd!';
const ADMIN_ID = 'b342f7f5-0d59-4cdd-bc17-5e2d6c3fb001';
const ADMIN_EMAIL = 'bench.admin@example.com';
const MB = 1024 * 1024;

/* ------------------------------------------------------------------------------------------------
 * Child processes: each sends `{ready: {...urls}}` over IPC once it listens, and stops on SIGTERM.
 * ---------------------------------------------------------------------------------------------- */

function ready(urls: Record<string, string>): void {
  process.send?.({ ready: urls });
}

async function serveCore(): Promise<void> {
  const services = await startAuthAndCrm({ applicationName: 'core-bench' });
  ready({ auth: services.authUrl, crm: services.crmUrl });
  stopOn(() => services.close());
}

async function serveDocuments(): Promise<void> {
  const env = process.env;
  const db = await createDatabase({ url: env.BENCH_DATABASE_URL, applicationName: 'documents-bench' });
  const bus = createEventBus({ url: realServers.rabbitmqUrl, prefix: env.BENCH_PREFIX, temporary: true });
  const cache = createCache({ url: realServers.redisUrl, keyPrefix: `${env.BENCH_PREFIX}:` });
  const jobs = createJobs({ url: realServers.redisUrl, prefix: `${env.BENCH_PREFIX}-documents` });
  const docs = await createDocumentsService({
    config: loadDocumentsConfig({
      AUTH_JWKS_URL: `${env.BENCH_AUTH_URL}/.well-known/jwks.json`,
      AUTH_JWT_ISSUER: BENCH_ISSUER,
      DOCUMENTS_CRM_BASE_URL: env.BENCH_CRM_URL,
      DOCUMENTS_STORAGE_ROOT: env.BENCH_STORAGE_ROOT,
      DOCUMENTS_UPLOAD_URL_BASE: `${env.BENCH_GATEWAY_URL}/api/v1/documents`,
      DOCUMENTS_MAX_UPLOAD_MB: '200',
      DOCUMENTS_URL_SIGNING_KEYS: `bench:${randomBytes(24).toString('base64url')}`,
      DOCUMENTS_CLEANUP_AT: '',
    }),
    db,
    bus,
    cache,
    jobs,
    logger: silentLogger,
    port: 0,
    host: '127.0.0.1',
  });
  // RSS sampling: `reset` starts a window at the current RSS, `report` answers its peak.
  let baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  process.on('message', (message: { cmd?: string }) => {
    if (message.cmd === 'reset') {
      baseline = process.memoryUsage().rss;
      peak = baseline;
      process.send?.({ reset: true });
    } else if (message.cmd === 'report') {
      peak = Math.max(peak, process.memoryUsage().rss);
      process.send?.({ rss: { baseline, peak } });
    }
  });
  ready({ documents: docs.url });
  stopOn(async () => {
    clearInterval(sampler);
    await docs.close();
    await jobs.close();
    await bus.close();
    await cache.close();
    await db.close();
  });
}

async function serveGateway(): Promise<void> {
  const env = process.env;
  const cache = createCache({ url: realServers.redisUrl, keyPrefix: `${env.BENCH_PREFIX}:` });
  const gateway = await createGatewayService({
    config: loadGatewayConfig({
      GATEWAY_UPSTREAM_AUTH_BASE_URL: env.BENCH_AUTH_URL,
      GATEWAY_BASE_URL: `${env.BENCH_GATEWAY_URL}/api`,
      AUTH_JWT_ISSUER: BENCH_ISSUER,
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      GATEWAY_RATE_LIMIT_PER_MINUTE: '100000000',
      DOCUMENTS_MAX_UPLOAD_MB: '200',
    }),
    upstreams: {
      crm: { baseUrl: env.BENCH_CRM_URL as string },
      documents: { baseUrl: env.BENCH_DOCUMENTS_URL as string },
    },
    cache,
    logger: silentLogger,
    port: Number(new URL(env.BENCH_GATEWAY_URL as string).port),
    host: '127.0.0.1',
  });
  ready({ gateway: gateway.url });
  stopOn(async () => {
    await gateway.close();
    await cache.close();
  });
}

/** The baseline: Node's http server streaming request bodies to a file and files to responses. */
async function serveBare(): Promise<void> {
  const dir = process.env.BENCH_BARE_DIR as string;
  const file = join(dir, 'upload.bin');
  const server = createHttpServer((request, response) => {
    if (request.method === 'PUT') {
      pipeline(request, createWriteStream(file)).then(
        () => response.writeHead(204).end(),
        () => response.writeHead(500).end(),
      );
      return;
    }
    stat(file).then(
      (info) => {
        response.writeHead(200, { 'content-length': String(info.size), 'content-type': 'application/octet-stream' });
        pipeline(createReadStream(file), response).catch(() => response.destroy());
      },
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  ready({ bare: `http://127.0.0.1:${port}` });
  stopOn(() => new Promise<void>((resolve) => server.close(() => resolve())));
}

/* ------------------------------------------------------------------------------------------------
 * The benchmark
 * ---------------------------------------------------------------------------------------------- */

const children: ChildProcess[] = [];

function start(
  role: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; urls: Record<string, string> }> {
  const child = fork(fileURLToPath(import.meta.url), [role], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code} before it was ready`)));
    const onMessage = (message: { ready?: Record<string, string> }) => {
      if (!message.ready) return;
      child.off('message', onMessage);
      resolve({ child, urls: message.ready });
    };
    child.on('message', onMessage);
  });
}

function ask<T>(child: ChildProcess, cmd: string, key: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (message: Record<string, unknown>) => {
      if (!(key in message)) return;
      child.off('message', onMessage);
      resolve(message[key] as T);
    };
    child.on('message', onMessage);
    child.send({ cmd });
  });
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A PDF-headed file of random bytes, written in 1 MB chunks. */
async function generateFile(path: string, megabytes: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  for (let index = 0; index < megabytes; index += 1) {
    const chunk = randomBytes(MB);
    if (index === 0) chunk.write('%PDF-1.7\n%bench\n', 0, 'latin1');
    hash.update(chunk);
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return hash.digest('hex');
}

/** Streams the file as a PUT body; answers the status and the seconds taken until the response. */
function upload(
  url: string,
  file: string,
  size: number,
  headers: Record<string, string>,
): Promise<{ status: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = httpRequest(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/pdf', 'content-length': String(size), ...headers },
    });
    request.on('response', (response) => {
      response.resume();
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, seconds: (performance.now() - started) / 1000 }),
      );
    });
    request.on('error', reject);
    createReadStream(file).pipe(request);
  });
}

/** Reads a GET body to the end; answers the status, bytes and seconds. */
function download(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; bytes: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    httpRequest(url, { headers }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, bytes, seconds: (performance.now() - started) / 1000 }),
      );
      response.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

async function json<T>(response: Response): Promise<T> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

async function main(): Promise<void> {
  const prefix = `bench${Date.now().toString(36)}`;
  const work = await mkdtemp(join(tmpdir(), 'polis-documents-bench-'));
  const storageRoot = join(work, 'storage');
  const bareDir = join(work, 'bare');
  await mkdir(bareDir, { recursive: true });
  const databaseUrl = await createPostgresDatabase(prefix);
  try {
    const db = await createDatabase({ url: databaseUrl });
    await runAuthMigrations(db);
    await runCrmMigrations(db);
    await runDocumentsMigrations(db);
    await seedCrmDemo(db, { today: new Date().toISOString().slice(0, 10) });
    await ensureUser(
      { db, passwordHash: { memoryKib: 1024, iterations: 1 } },
      {
        id: ADMIN_ID,
        email: ADMIN_EMAIL,
        fullName: 'Bench Admin',
        password: PASSWORD,
        roles: ['ROLE_ADMIN'],
        auditKey: 'auth.user.created',
      },
    );
    await db.close();

    const file = join(work, 'file.pdf');
    const size = fileMb * MB;
    console.log(`generating a ${fileMb} MB file on disk…`);
    const checksum = await generateFile(file, fileMb);

    const gatewayUrl = `http://127.0.0.1:${await freePort()}`;
    const base = { BENCH_DATABASE_URL: databaseUrl, BENCH_PREFIX: prefix, BENCH_GATEWAY_URL: gatewayUrl };
    const core = (await start('core', base)).urls;
    const documents = await start('documents', {
      ...base,
      BENCH_AUTH_URL: core.auth as string,
      BENCH_CRM_URL: core.crm as string,
      BENCH_STORAGE_ROOT: storageRoot,
    });
    await start('gateway', {
      ...base,
      BENCH_AUTH_URL: core.auth as string,
      BENCH_CRM_URL: core.crm as string,
      BENCH_DOCUMENTS_URL: documents.urls.documents as string,
    });
    const bare = (await start('bare', { BENCH_BARE_DIR: bareDir })).urls.bare as string;

    const login = await json<{ accessToken: string }>(
      await fetch(`${gatewayUrl}/api/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: ADMIN_EMAIL, password: PASSWORD }),
      }),
    );
    const bearer = { authorization: `Bearer ${login.accessToken}` };
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${gatewayUrl}${path}`, {
        ...init,
        redirect: 'manual',
        headers: { ...bearer, 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
      });

    // Until the Gateway lets `?token=` links through without a JWT, the signed requests carry one too.
    const probe = await fetch(`${gatewayUrl}/api/v1/documents/00000000-0000-4000-8000-000000000000/content?token=x`, {
      method: 'PUT',
      body: 'x',
    });
    const linkHeaders = probe.status === 401 ? bearer : {};
    await probe.body?.cancel();
    console.log(
      probe.status === 401
        ? 'the Gateway still wants a JWT on signed links: sending the bearer token with them'
        : 'the Gateway lets signed links through without a JWT',
    );

    const results = {
      gatewayUp: [] as number[],
      bareUp: [] as number[],
      directUp: [] as number[],
      gatewayDown: [] as number[],
      bareDown: [] as number[],
      rssGrowth: [] as number[],
    };
    const createDocument = async (title: string) =>
      json<{ documentId: string; uploadUrl: string }>(
        await api('/api/v1/documents', {
          method: 'POST',
          body: JSON.stringify({ ownerType: 'deal', ownerId: DEMO_CRM_IDS.deals.D1, title }),
        }),
      );
    const remove = async (documentId: string) => {
      const response = await api(`/api/v1/documents/${documentId}`, { method: 'DELETE' });
      await response.body?.cancel();
    };

    for (let round = 1; round <= rounds; round += 1) {
      const line: string[] = [];
      let viaGatewayDocument = '';
      // Each measurement as a step; the order rotates per round, so disk write-back left by one
      // step does not always land on the same contender.
      const steps: Array<() => Promise<void>> = [
        async () => {
          const created = await createDocument(`Bench ${round}`);
          await ask(documents.child, 'reset', 'reset');
          const result = await upload(created.uploadUrl, file, size, linkHeaders);
          const rss = await ask<{ baseline: number; peak: number }>(documents.child, 'report', 'rss');
          if (result.status !== 204) throw new Error(`upload through the Gateway answered ${result.status}`);
          results.gatewayUp.push(fileMb / result.seconds);
          results.rssGrowth.push((rss.peak - rss.baseline) / MB);
          viaGatewayDocument = created.documentId;
          line.push(
            `up via Gateway ${format(fileMb / result.seconds)} MB/s (RSS +${format((rss.peak - rss.baseline) / MB, 1)} MB)`,
          );
        },
        async () => {
          const result = await upload(`${bare}/file`, file, size, {});
          results.bareUp.push(fileMb / result.seconds);
          line.push(`up bare ${format(fileMb / result.seconds)} MB/s`);
        },
        ...(direct
          ? [
              async () => {
                const created = await createDocument(`Bench direct ${round}`);
                const link = new URL(created.uploadUrl);
                const result = await upload(
                  `${documents.urls.documents}${link.pathname}${link.search}`,
                  file,
                  size,
                  {},
                );
                if (result.status !== 204) throw new Error(`upload straight to Documents answered ${result.status}`);
                results.directUp.push(fileMb / result.seconds);
                line.push(`up direct ${format(fileMb / result.seconds)} MB/s`);
                await remove(created.documentId);
              },
            ]
          : []),
      ];
      for (let index = 0; index < steps.length; index += 1) await steps[(index + round - 1) % steps.length]?.();

      const complete = await api(`/api/v1/documents/${viaGatewayDocument}/complete`, {
        method: 'POST',
        body: JSON.stringify({ fileSize: size, checksum }),
      });
      if (complete.status !== 200) throw new Error(`complete answered ${complete.status}: ${await complete.text()}`);
      const redirect = await api(`/api/v1/documents/${viaGatewayDocument}/download`);
      const location = redirect.headers.get('location') as string;
      await redirect.body?.cancel();
      const downloads: Array<() => Promise<void>> = [
        async () => {
          const result = await download(location, linkHeaders);
          if (result.status !== 200 || result.bytes !== size)
            throw new Error(`download answered ${result.status} with ${result.bytes} bytes`);
          results.gatewayDown.push(fileMb / result.seconds);
          line.push(`down via Gateway ${format(fileMb / result.seconds)} MB/s`);
        },
        async () => {
          const result = await download(`${bare}/file`, {});
          results.bareDown.push(fileMb / result.seconds);
          line.push(`down bare ${format(fileMb / result.seconds)} MB/s`);
        },
      ];
      for (let index = 0; index < downloads.length; index += 1)
        await downloads[(index + round - 1) % downloads.length]?.();
      await remove(viaGatewayDocument);
      console.log(`round ${round}: ${line.join(', ')}`);
    }

    const up = median(results.gatewayUp) / median(results.bareUp);
    const down = median(results.gatewayDown) / median(results.bareDown);
    const growth = Math.max(...results.rssGrowth);
    console.log('');
    console.log(`Documents ${fileMb} MB file, ${rounds} rounds (medians):`);
    console.log(
      `  upload   via Gateway ${format(median(results.gatewayUp))} MB/s, bare fs server ${format(median(results.bareUp))} MB/s → ratio ${format(up, 2)} (target ≥ 0.5)`,
    );
    if (direct) console.log(`  upload   straight to Documents ${format(median(results.directUp))} MB/s`);
    console.log(
      `  download via Gateway ${format(median(results.gatewayDown))} MB/s, bare fs server ${format(median(results.bareDown))} MB/s → ratio ${format(down, 2)} (target ≥ 0.5)`,
    );
    console.log(
      `  Documents peak RSS growth during an upload: ${format(growth, 1)} MB (max of rounds; target < 64 MB)`,
    );
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map(
        (child) => new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null))),
      ),
    );
    await dropPostgresDatabase(prefix).catch(() => undefined);
    await deleteRedisKeys(`${prefix}*`).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

const role = process.argv[2];
if (role === 'core') await serveCore();
else if (role === 'documents') await serveDocuments();
else if (role === 'gateway') await serveGateway();
else if (role === 'bare') await serveBare();
else await main();
