import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEventBus } from '@polis/bus';
import { createCache } from '@polis/cache';
import { passwordChangeRequiredDetailsSchema } from '@polis/contracts';
import { createDatabase, type Database } from '@polis/db';
import { createLogger } from '@polis/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthService, ensureUser, loadAuthConfig, runAuthMigrations } from '../src/index.js';

/** The built command, as operators run it (`npm run build` first; CI builds before testing). */
const CLI = fileURLToPath(new URL('../dist/cli/auth-admin.js', import.meta.url));
const EMAIL = 'night.operator@example.com';
const CHEAP_HASHING = { AUTH_PASSWORD_HASH_MEMORY_KIB: '1024', AUTH_PASSWORD_HASH_ITERATIONS: '1' };

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    // A clean environment: nothing of the test run's (DATABASE_URL, REDIS_URL) leaks in.
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(!existsSync(CLI))('auth-admin as a child process on an embedded data directory', () => {
  let dataRoot: string;
  let db: Database | undefined;

  beforeAll(async () => {
    dataRoot = await mkdtemp(join(tmpdir(), 'polis-auth-admin-'));
    const seeding = await createDatabase({ dataDir: join(dataRoot, 'pglite') });
    await runAuthMigrations(seeding);
    await ensureUser(
      { db: seeding, passwordHash: { memoryKib: 1024, iterations: 1 } },
      {
        email: EMAIL,
        fullName: 'Night Operator',
        password: 'Forgotten-pass-1',
        roles: ['ROLE_ADMIN'],
        auditKey: 'auth.user.created',
      },
    );
    // PGlite serves one process: the command opens the directory only after this one let go.
    await seeding.close();
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    if (dataRoot) await rm(dataRoot, { recursive: true, force: true });
  });

  // PGlite start-ups on shared cores (the command, then the service): a generous allowance.
  // Exit codes 1 and 2 are covered in-process (password-change.int.spec.ts).
  it('exits 0 with a printed password that opens the forced change', {
    timeout: 120_000,
  }, async () => {
    const env = { POLIS_DATA_DIR: dataRoot, ...CHEAP_HASHING };
    const recovered = await runCli(['recover', '--email', EMAIL.toUpperCase()], env);
    expect(recovered.stderr).toBe('');
    expect(recovered.code).toBe(0);
    expect(recovered.stdout).toContain(`Recovered ${EMAIL}`);
    expect(recovered.stdout).toContain('No session cache configured');
    const password = /Temporary password: (\S+)/.exec(recovered.stdout)?.[1] ?? '';
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);

    // `npm start` again on the same directory: the printed password leads through the change.
    db = await createDatabase({ dataDir: join(dataRoot, 'pglite') });
    const bus = createEventBus();
    const cache = createCache();
    const service = await createAuthService({
      config: loadAuthConfig(CHEAP_HASHING),
      db,
      bus,
      cache,
      logger: createLogger({ service: 'auth', level: 'silent' }),
      port: 0,
      host: '127.0.0.1',
    });
    try {
      const post = (path: string, body: unknown) =>
        fetch(`${service.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      expect((await post('/api/v1/auth/token', { email: EMAIL, password: 'Forgotten-pass-1' })).status).toBe(401);
      const required = await post('/api/v1/auth/token', { email: EMAIL, password });
      expect(required.status).toBe(403);
      const problem = (await required.json()) as { code: string; details: unknown };
      expect(problem.code).toBe('password_change_required');
      const { changeToken } = passwordChangeRequiredDetailsSchema.parse(problem.details);
      const changed = await post('/api/v1/auth/activate', { token: changeToken, password: 'Remembered-pass-1' });
      expect(changed.status).toBe(200);

      const [audit] = await db.query<{ n: number }>(
        `select count(*)::int as n from auth.outbox where routing_key = 'auth.user.recovered'`,
      );
      expect(audit?.n).toBe(1);
    } finally {
      await service.close();
      await bus.close();
      await cache.close();
    }
  });
});
