import { type AuthConfig, ensureBootstrapAdmin, seedDemoUsers } from '@polis/auth';
import { seedCrmDemo } from '@polis/crm';
import type { Database } from '@polis/db';

export const DEFAULT_ADMIN_EMAIL = 'admin@crm.local';

export interface AdminLogin {
  email: string;
  /** Present only on the start that created the account: it is stored nowhere in clear. */
  password?: string;
  created: boolean;
}

/** Makes sure the main admin exists: AUTH_BOOTSTRAP_EMAIL/PASSWORD when set, else a generated password. */
export async function ensureAdmin(db: Database, config: AuthConfig, env: NodeJS.ProcessEnv): Promise<AdminLogin> {
  const email = env.AUTH_BOOTSTRAP_EMAIL || DEFAULT_ADMIN_EMAIL;
  const result = await ensureBootstrapAdmin(
    { db, auditExchange: config.auditExchange, passwordHash: config.passwordHash },
    {
      email,
      ...(env.AUTH_BOOTSTRAP_PASSWORD ? { password: env.AUTH_BOOTSTRAP_PASSWORD } : {}),
      roles: config.bootstrap.roles,
      production: config.production,
    },
  );
  return { email: result.email, created: result.created, ...(result.password ? { password: result.password } : {}) };
}

/** The demo agency (domain.md §5). Idempotent: existing records are left as they are. */
export async function seedDemo(
  db: Database,
  config: AuthConfig,
): Promise<{ users: string[]; crm: Awaited<ReturnType<typeof seedCrmDemo>> }> {
  const users = await seedDemoUsers({ db, auditExchange: config.auditExchange, passwordHash: config.passwordHash });
  const crm = await seedCrmDemo(db);
  return { users, crm };
}
