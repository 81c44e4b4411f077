import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import type { Cache } from '@polis/cache';
import { emailSchema } from '@polis/contracts';
import { type Database, enqueueEvents } from '@polis/db';
import { type Actor, auditMessage } from '../audit/audit.events.js';
import type { AuthConfig } from '../auth.config.js';
import { AUTH_SCHEMA } from '../db/schema.js';
import { PasswordHasher } from '../security/password-hasher.js';
import { RefreshTokenStore } from '../tokens/refresh-token.store.js';
import { ActivationTokenStore } from '../users/activation-token.store.js';
import { UserRepository } from '../users/user.repository.js';
import { isActive } from '../users/user.view.js';

export interface RecoveryDeps {
  db: Database;
  config: AuthConfig;
  /**
   * The cache the running service uses (`REDIS_URL`): the user's sessions and pending one-time
   * tokens are deleted there. Without it nothing is revoked here; refreshes of the user's earlier
   * sessions are refused anyway while the password change is pending.
   */
  cache?: Cache;
  /** Who ran the recovery, for the audit trail (default: the operating-system user). */
  operator?: string;
}

export interface RecoveryResult {
  userId: string;
  email: string;
  /** Shown once; only its hash is stored. */
  temporaryPassword: string;
  expiresAt: Date;
  /** False when the account is disabled: recovery does not enable it. */
  active: boolean;
  /** Whether the user has a live Telegram binding (delivery to the chat comes with the bot). */
  telegramLinked: boolean;
  /** Whether the sessions and pending tokens were deleted from the cache. */
  sessionsRevoked: boolean;
  /** Why they could not be, when a cache was given but failed after the password was set. */
  revocationError?: string;
}

export type RecoveryErrorCode = 'invalid_email' | 'user_not_found' | 'not_recoverable';

/** A refusal the operator can act on (wrong email, technical or never-activated account). */
export class RecoveryError extends Error {
  constructor(
    readonly code: RecoveryErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RecoveryError';
  }
}

/**
 * Account recovery (platform.md §2.6): gives the account a random temporary password that signs in
 * for `AUTH_RECOVERY_PASSWORD_TTL` (30 min) and only into the forced password change, whose
 * completion ends every session. Audited as `auth.user.recovered` through the outbox.
 */
export async function recoverAccount(deps: RecoveryDeps, rawEmail: string): Promise<RecoveryResult> {
  const parsed = emailSchema.safeParse(rawEmail);
  if (!parsed.success) throw new RecoveryError('invalid_email', `'${rawEmail}' is not an email address.`);
  const email = parsed.data;
  const users = new UserRepository(deps.db);
  const user = await users.findByEmail(email);
  if (!user) throw new RecoveryError('user_not_found', `No user has the email ${email}.`);
  if (user.technical) {
    throw new RecoveryError('not_recoverable', `${email} is a technical account; it never signs in with a password.`);
  }
  if (user.status === 'invited') {
    throw new RecoveryError(
      'not_recoverable',
      `${email} has not activated the account yet; an administrator sends a new invitation instead.`,
    );
  }

  const temporaryPassword = randomBytes(18).toString('base64url');
  const passwordHash = await new PasswordHasher(deps.config.passwordHash).hash(temporaryPassword);
  const expiresAt = new Date(Date.now() + deps.config.ttl.recoveryPasswordMs);
  const telegramLinked = (await users.telegramLinked([user.id])).has(user.id);
  const actor: Actor = { id: null, type: 'system' };
  await deps.db.transaction(async (tx) => {
    await users.update(tx, user.id, {
      passwordHash,
      mustChangePassword: true,
      temporaryPasswordExpiresAt: expiresAt,
    });
    await enqueueEvents(tx, AUTH_SCHEMA, [
      auditMessage(deps.config.auditExchange, actor, {
        key: 'auth.user.recovered',
        entityType: 'user',
        entityId: user.id,
        tags: {
          email,
          via: 'auth-admin',
          operator: deps.operator ?? operatingSystemUser(),
          delivery: 'printed',
          expiresAt: expiresAt.toISOString(),
        },
      }),
    ]);
  });

  const result: RecoveryResult = {
    userId: user.id,
    email,
    temporaryPassword,
    expiresAt,
    active: isActive(user),
    telegramLinked,
    sessionsRevoked: false,
  };
  if (deps.cache) {
    // The password is already replaced: a cache failure must not hide it from the operator.
    try {
      await new RefreshTokenStore(deps.cache, deps.config).revokeUser(user.id);
      await new ActivationTokenStore(deps.cache, deps.config).revoke(user.id);
      result.sessionsRevoked = true;
    } catch (error) {
      result.revocationError = error instanceof Error ? error.message : String(error);
    }
  }
  return result;
}

function operatingSystemUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
