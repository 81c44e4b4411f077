/**
 * Auth figures: JWT verifications per second in auth-kit (one signature check per call, and with
 * the verified-token cache on a realistic set of live tokens), and the median login time
 * (`POST /api/v1/auth/token`, argon2id + token issue) on an embedded Auth service.
 *
 *   npm run bench:auth      (BENCH_VERIFY_SECONDS=3 BENCH_LOGINS=60 by default)
 */
import { createAuthService, ensureUser, loadAuthConfig, runAuthMigrations } from '@polis/auth';
import { createJwtVerifier, generateSigningKey, signToken } from '@polis/auth-kit';
import { createEventBus } from '@polis/bus';
import { createCache } from '@polis/cache';
import { createDatabase } from '@polis/db';
import { createLogger } from '@polis/platform';
import { envNumber, format, median, percentile } from './stats.js';

const verifySeconds = envNumber('BENCH_VERIFY_SECONDS', 3);
const logins = envNumber('BENCH_LOGINS', 60);
const issuer = 'http://localhost:8081';
const audience = 'crm-clients';

async function verificationsPerSecond(tokens: string[], cacheSize: number, concurrency: number): Promise<number> {
  const key = await keyPair;
  const verifier = createJwtVerifier({
    keys: { keys: [key.publicJwk] },
    issuer,
    audience,
    verifiedCacheSize: cacheSize,
  });
  let done = 0;
  const deadline = performance.now() + verifySeconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, lane) => {
      for (let i = lane; performance.now() < deadline; i += concurrency) {
        await verifier.verify(tokens[i % tokens.length] as string);
        done += 1;
      }
    }),
  );
  return (done / (performance.now() - started)) * 1000;
}

const keyPair = generateSigningKey();

async function makeTokens(count: number): Promise<string[]> {
  const key = await keyPair;
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      signToken(
        key,
        {
          sub: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          email: `user${i}@example.com`,
          roles: ['ROLE_USER', 'ROLE_SALES_AGENT'],
          typ: 'access',
          amr: ['pwd'],
        },
        { issuer, audience, ttlSec: 900 },
      ),
    ),
  );
}

async function loginTimes(): Promise<number[]> {
  const db = await createDatabase({});
  const bus = createEventBus({});
  const cache = createCache({ keyPrefix: 'bench:' });
  const logger = createLogger({ service: 'auth', level: 'silent' });
  const config = loadAuthConfig({ AUTH_LOGIN_MAX_PER_MINUTE: '100000', AUTH_SERVICE_PORT: '0' });
  await runAuthMigrations(db);
  await ensureUser(
    { db, passwordHash: config.passwordHash },
    {
      email: 'bench@example.com',
      fullName: 'Bench',
      password: 'Passw0rd!bench',
      roles: ['ROLE_SALES_AGENT'],
      auditKey: 'auth.user.created',
    },
  );
  const service = await createAuthService({ config, db, bus, cache, logger, port: 0, host: '127.0.0.1' });
  const times: number[] = [];
  try {
    for (let i = 0; i < logins + 5; i += 1) {
      const started = performance.now();
      const response = await fetch(`${service.url}/api/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'bench@example.com', password: 'Passw0rd!bench' }),
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`login answered ${response.status}`);
      if (i >= 5) times.push(performance.now() - started);
    }
  } finally {
    await service.close();
    await bus.close();
    await cache.close();
    await db.close();
  }
  return times;
}

async function main(): Promise<void> {
  const single = await makeTokens(1);
  const live = await makeTokens(1_000);
  const rows: Array<[string, number]> = [];
  rows.push(['signature check every call, sequential', await verificationsPerSecond(single, 0, 1)]);
  rows.push(['signature check every call, 16 concurrent', await verificationsPerSecond(live, 0, 16)]);
  rows.push(['verified-token cache, 1,000 live tokens', await verificationsPerSecond(live, 10_000, 16)]);
  for (const [label, rate] of rows) console.log(`JWT verifications/s (${label}): ${format(rate)}`);
  console.log('target: >= 20,000 verifications/s');

  const times = await loginTimes();
  console.log(
    `login (POST /api/v1/auth/token, argon2id 19 MiB x2): median ${format(median(times), 1)} ms, p95 ${format(percentile(times, 95), 1)} ms over ${times.length} logins`,
  );
}

await main();
