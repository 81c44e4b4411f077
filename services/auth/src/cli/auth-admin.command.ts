import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Cache, createCache } from '@polis/cache';
import { createDatabase, type Database } from '@polis/db';
import { ConfigError } from '@polis/platform';
import { type AuthConfig, loadAuthConfig } from '../auth.config.js';
import { RecoveryError, recoverAccount } from '../recovery/account-recovery.js';

/** Exit codes: 0 done, 1 usage or an account that cannot be recovered, 2 configuration or connection. */
export const EXIT = { ok: 0, usage: 1, environment: 2 } as const;

export const AUTH_ADMIN_HELP = `Usage: auth-admin recover --email <email>

Account recovery for Polis Auth. Gives the account a random temporary password, printed once,
that signs in for AUTH_RECOVERY_PASSWORD_TTL (default 30 minutes) and only into setting a new
password; setting it ends every session of the user. The account's other state is kept: a
disabled account stays disabled until an administrator enables it. Audited as auth.user.recovered.

Connects like the Auth service:
  AUTH_DATABASE_URL or DATABASE_URL   PostgreSQL; when unset, the embedded database in
                                      POLIS_DATA_DIR/pglite (default ./data/pglite). PGlite serves
                                      one process: stop \`npm start\` first, start it again after.
  AUTH_REDIS_URL or REDIS_URL         where the user's sessions are revoked at once. Embedded mode
                                      keeps sessions in the stopped process, so none survive.

Exit codes: 0 done, 1 usage error or unknown/unrecoverable account, 2 configuration or connection.`;

export interface AuthAdminInfrastructure {
  db: Database;
  /** Absent in embedded mode (the sessions lived in the stopped process). */
  cache?: Cache;
  /** Where it connected, for the operator (no credentials). */
  description: string;
  /** Set when a cache is configured but did not answer: the recovery goes on without it. */
  cacheProblem?: string;
  close(): Promise<void>;
}

export interface AuthAdminOptions {
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
  /** How to reach the database and cache; default: from `env`, like the service. */
  open?: (env: NodeJS.ProcessEnv, config: AuthConfig) => Promise<AuthAdminInfrastructure>;
}

/** Runs one `auth-admin` command and answers its exit code. */
export async function runAuthAdmin(argv: string[], options: AuthAdminOptions): Promise<number> {
  const { out, err } = options;
  let parsed: ReturnType<typeof parseCommand>;
  try {
    parsed = parseCommand(argv);
  } catch (error) {
    err(`auth-admin: ${error instanceof Error ? error.message : String(error)}`);
    err(AUTH_ADMIN_HELP);
    return EXIT.usage;
  }
  if (parsed.help) {
    out(AUTH_ADMIN_HELP);
    return EXIT.ok;
  }

  let config: AuthConfig;
  try {
    config = loadAuthConfig(options.env);
  } catch (error) {
    err(`auth-admin: configuration refused: ${error instanceof ConfigError ? error.message : String(error)}`);
    return EXIT.environment;
  }
  let infra: AuthAdminInfrastructure;
  try {
    infra = await (options.open ?? openInfrastructure)(options.env, config);
  } catch (error) {
    err(`auth-admin: cannot connect: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.environment;
  }

  try {
    const deps = { db: infra.db, config, ...(infra.cache ? { cache: infra.cache } : {}) };
    const result = await recoverAccount(deps, parsed.email);
    out(`Recovered ${result.email} (${infra.description}).`);
    out(`Temporary password: ${result.temporaryPassword}`);
    out(`It signs in until ${result.expiresAt.toISOString()}, once, into setting a new password.`);
    out('It is shown only now and stored nowhere in clear: hand it over in person or by a trusted channel.');
    if (result.telegramLinked) {
      out('The user has a linked Telegram chat; delivery there comes with the Telegram bot, so it is printed here.');
    }
    if (!result.active) {
      err(
        'Warning: the account is disabled and stays disabled; an administrator must enable it before this password works.',
      );
    }
    if (result.sessionsRevoked) {
      out('Every session of the user was ended.');
    } else if (result.revocationError || infra.cacheProblem) {
      err(
        `Warning: the sessions could not be revoked (${result.revocationError ?? infra.cacheProblem}); ` +
          'they end at their next refresh.',
      );
    } else {
      out('No session cache configured: earlier sessions end at their next refresh (embedded mode keeps none).');
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof RecoveryError) {
      err(`auth-admin: ${error.message}`);
      return EXIT.usage;
    }
    err(`auth-admin: recovery failed: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.environment;
  } finally {
    await infra.close();
  }
}

type Command = { help: true } | { help: false; command: 'recover'; email: string };

function parseCommand(argv: string[]): Command {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { email: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return { help: true };
  const [command, ...rest] = positionals;
  if (command === undefined) throw new Error('a command is required');
  if (command !== 'recover') throw new Error(`unknown command '${command}'`);
  if (rest.length > 0) throw new Error(`unexpected argument '${rest[0]}'`);
  if (!values.email) throw new Error('recover needs --email <email>');
  return { help: false, command, email: values.email };
}

const CACHE_PING_TIMEOUT_MS = 5_000;

/** The service's own connections: PostgreSQL or the embedded data directory, and the cache if any. */
async function openInfrastructure(env: NodeJS.ProcessEnv): Promise<AuthAdminInfrastructure> {
  const databaseUrl = env.AUTH_DATABASE_URL || env.DATABASE_URL;
  let db: Database;
  let description: string;
  if (databaseUrl) {
    db = await createDatabase({ url: databaseUrl, applicationName: 'auth-admin', poolMax: 2 });
    description = `PostgreSQL ${hostOf(databaseUrl)}`;
  } else {
    const dataDir = resolve(env.POLIS_DATA_DIR ?? 'data', 'pglite');
    // Opening a missing directory would create an empty database and report an unknown user.
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      throw new Error(`no embedded database in ${dataDir}: set DATABASE_URL, or POLIS_DATA_DIR to the data folder`);
    }
    db = await createDatabase({ dataDir });
    description = `embedded database ${dataDir}`;
  }
  try {
    await db.ping();
  } catch (error) {
    await db.close();
    throw error;
  }

  const cacheUrl = env.AUTH_REDIS_URL || env.REDIS_URL;
  if (!cacheUrl) return { db, description, close: () => db.close() };
  const cache = createCache({ url: cacheUrl });
  try {
    await withTimeout(cache.ping(), CACHE_PING_TIMEOUT_MS, 'the session cache did not answer');
  } catch (error) {
    await cache.close().catch(() => undefined);
    const cacheProblem = `cache unreachable: ${error instanceof Error ? error.message : String(error)}`;
    return { db, description, cacheProblem, close: () => db.close() };
  }
  return {
    db,
    cache,
    description,
    async close() {
      await cache.close();
      await db.close();
    },
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(unparsable URL)';
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
