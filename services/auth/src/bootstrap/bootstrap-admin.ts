import { randomBytes, randomUUID } from 'node:crypto';
import { emailSchema, normalizeRoleName, ROLE_IDS, ROLES } from '@polis/contracts';
import { type Database, enqueueEvents } from '@polis/db';
import { ConfigError, PLACEHOLDER_SECRETS } from '@polis/platform';
import { auditMessage, SYSTEM_ACTOR } from '../audit/audit.events.js';
import { AUTH_SCHEMA } from '../db/schema.js';
import { RoleRepository } from '../roles/role.repository.js';
import { PasswordHasher, type PasswordHashOptions } from '../security/password-hasher.js';
import { UserRepository } from '../users/user.repository.js';

export interface BootstrapDeps {
  db: Database;
  /** Default `audit.events`. */
  auditExchange?: string;
  /** Default: OWASP's argon2id minimum (19 MiB, 2 passes). */
  passwordHash?: PasswordHashOptions;
}

export interface BootstrapOptions {
  email: string;
  /** Generated (and answered once) when absent. */
  password?: string;
  /** Default `ROLE_ADMIN`; `ROLE_USER` is always added. Names are normalised (`admin` → `ROLE_ADMIN`). */
  roles?: string[];
  /** With true, a placeholder password (`change_me`, ...) is refused. */
  production?: boolean;
}

export interface BootstrapResult {
  created: boolean;
  email: string;
  /** Only when this call generated it: show it once, it is stored nowhere in clear. */
  password?: string;
}

/**
 * Makes sure the first administrator exists (platform.md §2.6). Idempotent: an existing account
 * with that email is left exactly as it is, password included. A created account must set its own
 * password at the first sign-in: the configured or printed one only opens that step.
 */
export async function ensureBootstrapAdmin(deps: BootstrapDeps, options: BootstrapOptions): Promise<BootstrapResult> {
  const email = emailSchema.parse(options.email);
  if (options.production && options.password !== undefined && PLACEHOLDER_SECRETS.includes(options.password)) {
    throw new ConfigError('AUTH_BOOTSTRAP_PASSWORD: is a placeholder value, not allowed in production', [
      { variable: 'AUTH_BOOTSTRAP_PASSWORD', message: 'is a placeholder value, not allowed in production' },
    ]);
  }
  if (options.password !== undefined && (options.password.length < 8 || options.password.length > 72)) {
    throw new ConfigError('AUTH_BOOTSTRAP_PASSWORD: must be 8 to 72 characters', [
      { variable: 'AUTH_BOOTSTRAP_PASSWORD', message: 'must be 8 to 72 characters' },
    ]);
  }
  const generated = options.password === undefined ? randomBytes(18).toString('base64url') : undefined;
  const created = await ensureUser(deps, {
    email,
    fullName: 'Administrator',
    password: options.password ?? (generated as string),
    roles: options.roles ?? [ROLES.ADMIN],
    auditKey: 'auth.bootstrap.admin_created',
    mustChangePassword: true,
  });
  if (!created) return { created: false, email };
  return generated === undefined ? { created: true, email } : { created: true, email, password: generated };
}

/** The id of the account with this email, if there is one (the launcher's main admin). */
export async function userIdByEmail(db: Database, email: string): Promise<string | undefined> {
  return (await new UserRepository(db).findByEmail(emailSchema.parse(email)))?.id;
}

export interface EnsureUserOptions {
  email: string;
  fullName: string;
  password: string;
  /** Normalised (`admin` → `ROLE_ADMIN`); `ROLE_USER` is always added. */
  roles: string[];
  /** A fixed id (demo data keeps the ids other seeds refer to); random when absent. */
  id?: string;
  auditKey: 'auth.bootstrap.admin_created' | 'auth.user.created';
  /** The first sign-in must set a new password (default false: demo users keep theirs). */
  mustChangePassword?: boolean;
}

/**
 * Creates an active user with a password and roles unless the email is taken; answers whether it
 * created one. Used by the bootstrap administrator and by the demo seed.
 */
export async function ensureUser(deps: BootstrapDeps, options: EnsureUserOptions): Promise<boolean> {
  const email = emailSchema.parse(options.email);
  const users = new UserRepository(deps.db);
  if (await users.findByEmail(email)) return false;

  const wanted = [...new Set([...options.roles.map(normalizeRoleName), ROLES.USER])];
  if (wanted.includes(ROLES.SERVICE)) throw new Error('ROLE_SERVICE cannot be given to a person');
  const roles = await new RoleRepository(deps.db).findByNames(wanted);
  const missing = wanted.filter((name) => !roles.some((role) => role.name === name));
  if (missing.length > 0) throw new Error(`unknown roles ${missing.join(', ')}`);

  const hasher = new PasswordHasher(deps.passwordHash ?? { memoryKib: 19_456, iterations: 2 });
  const passwordHash = await hasher.hash(options.password);
  const id = options.id ?? randomUUID();
  return deps.db.transaction(async (tx) => {
    const inserted = await users.insert(tx, {
      id,
      email,
      passwordHash,
      fullName: options.fullName,
      phone: null,
      status: 'active',
      mustChangePassword: options.mustChangePassword ?? false,
    });
    if (!inserted) return false;
    await users.assignRoles(tx, id, [ROLE_IDS.ROLE_USER, ...roles.map((role) => role.id)]);
    await users.update(tx, id, { passwordChangedAt: new Date() });
    await enqueueEvents(tx, AUTH_SCHEMA, [
      auditMessage(deps.auditExchange ?? 'audit.events', SYSTEM_ACTOR, {
        key: options.auditKey,
        entityType: 'user',
        entityId: id,
        tags: {
          email,
          roles: roles
            .map((role) => role.name)
            .sort()
            .join(','),
        },
      }),
    ]);
    return true;
  });
}
