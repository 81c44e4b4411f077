import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@polis/auth-kit';
import {
  type ActivateRequest,
  type ChangePasswordRequest,
  type LoginRequest,
  type LogoutRequest,
  PASSWORD_CHANGE_REQUIRED,
  type PasswordChangeRequiredDetails,
  type RegisterRequest,
  ROLE_IDS,
  type TokenPair,
  type User,
} from '@polis/contracts';
import type { Database } from '@polis/db';
import { Conflict, Forbidden, Invalid, NotFound, Unauthorized } from '@polis/platform';
import { type Actor, AuditEvents } from '../audit/audit.events.js';
import type { AuthConfig } from '../auth.config.js';
import { AUTH_CONFIG, DATABASE } from '../auth.tokens.js';
import type { RequestMeta } from '../common/request-meta.js';
import type { UserRow } from '../db/schema.js';
import { AuthMetrics } from '../metrics/auth.metrics.js';
import { type AuthLimits, authLimits } from '../security/auth-limits.js';
import { PasswordHasher } from '../security/password-hasher.js';
import { RateLimiter } from '../security/rate-limiter.js';
import { RefreshTokenStore } from '../tokens/refresh-token.store.js';
import { TokenIssuer } from '../tokens/token-issuer.js';
import { ActivationTokenStore, type OneTimeToken } from '../users/activation-token.store.js';
import { UserRepository } from '../users/user.repository.js';
import { isActive, toUser } from '../users/user.view.js';
import { AccountCutoff } from './account-cutoff.js';

const invalidCredentials = () => new Unauthorized('The email or password is wrong.', 'invalid_credentials');
const userDisabled = () => new Forbidden('This account is disabled.', 'user_disabled');
const invalidRefresh = () =>
  new Unauthorized('The refresh token is not valid; sign in again.', 'invalid_refresh_token');
const invalidActivation = (purpose: OneTimeToken['purpose']) =>
  new Invalid(
    purpose === 'password_change'
      ? 'The password change token is not valid (already used or replaced); sign in again.'
      : 'The activation link is not valid (already used or replaced).',
    'invalid_activation_token',
  );

/** How often a racing refresh looks for the pair the winning request is producing. */
const GRACE_POLL_MS = 20;

/** Sign-in, token refresh and the rest of a user's own session lifecycle. */
@Injectable()
export class SessionService {
  private readonly limits: AuthLimits;

  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(DATABASE) private readonly db: Database,
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly limiter: RateLimiter,
    private readonly metrics: AuthMetrics,
    private readonly audit: AuditEvents,
    private readonly issuer: TokenIssuer,
    private readonly refreshTokens: RefreshTokenStore,
    private readonly activationTokens: ActivationTokenStore,
    private readonly cutoff: AccountCutoff,
  ) {
    this.limits = authLimits(config);
  }

  /**
   * The password is checked before anything about the account is revealed (a dummy hash stands in
   * for unknown emails), so only someone who knows the password learns that it is disabled.
   */
  async login(input: LoginRequest, meta: RequestMeta): Promise<TokenPair> {
    const failureKey = `${input.email}|${meta.ip}`;
    try {
      await this.limiter.hit(this.limits.loginPerIp, meta.ip);
      // Every attempt takes a slot before the password is checked, atomically: concurrent guesses
      // cannot all pass a "fewer than 5 failures so far" test. A success gives the slots back.
      await this.limiter.hit(this.limits.loginFailures, failureKey);
    } catch (error) {
      this.metrics.login('rate_limited');
      throw error;
    }

    const user = await this.users.findByEmail(input.email);
    const passwordHash = user && !user.technical ? user.passwordHash : null;
    const valid = await this.hasher.verify(passwordHash, input.password);
    const actor: Actor = { id: user?.id ?? null, type: 'user', meta };

    if (!user || !valid) {
      this.metrics.login('invalid_credentials');
      await this.audit.recordAlone(actor, [
        {
          key: 'auth.login.failed',
          entityType: 'user',
          entityId: user?.id ?? input.email,
          outcome: 'failure',
          tags: { email: input.email, reason: 'invalid_credentials' },
        },
      ]);
      throw invalidCredentials();
    }
    if (!isActive(user)) {
      this.metrics.login('user_disabled');
      await this.audit.recordAlone(actor, [
        {
          key: 'auth.login.failed',
          entityType: 'user',
          entityId: user.id,
          outcome: 'failure',
          tags: { email: user.email, reason: 'user_disabled' },
        },
      ]);
      throw userDisabled();
    }
    if (user.temporaryPasswordExpiresAt !== null && user.temporaryPasswordExpiresAt.getTime() <= Date.now()) {
      // Told apart from a wrong password only to someone who knows the temporary password.
      this.metrics.login('temporary_password_expired');
      await this.audit.recordAlone(actor, [
        {
          key: 'auth.login.failed',
          entityType: 'user',
          entityId: user.id,
          outcome: 'failure',
          tags: { email: user.email, reason: 'temporary_password_expired' },
        },
      ]);
      throw new Unauthorized(
        'The temporary password has expired; ask an administrator to run the recovery again.',
        'temporary_password_expired',
      );
    }

    await this.limiter.reset(this.limits.loginFailures, failureKey);
    if (user.mustChangePassword) {
      this.metrics.login('password_change_required');
      throw await this.passwordChangeRequired(user);
    }
    await this.db.transaction(async (tx) => {
      await this.users.update(tx, user.id, { lastLoginAt: new Date() });
      await this.audit.record(tx, actor, [
        {
          key: 'auth.login.succeeded',
          entityType: 'user',
          entityId: user.id,
          tags: { email: user.email, method: 'pwd' },
        },
      ]);
    });
    this.audit.published();
    this.metrics.login('success');
    return this.openSession(user, ['pwd']);
  }

  /**
   * No session yet: a single-use change token (the previous one, if any, stops working) that
   * `POST /auth/activate` exchanges, with a new password, for a TokenPair.
   */
  private async passwordChangeRequired(user: UserRow): Promise<Forbidden> {
    const ttlMs = this.config.ttl.passwordChangeMs;
    const changeToken = await this.activationTokens.issue(user.id, { ttlMs, purpose: 'password_change' });
    const details: PasswordChangeRequiredDetails = { changeToken, expiresIn: Math.floor(ttlMs / 1000) };
    return new Forbidden('Set a new password to finish signing in.', PASSWORD_CHANGE_REQUIRED, { details });
  }

  /**
   * Rotates a refresh token. A token used a second time after its rotation revokes its whole family
   * (the thief's and the owner's newest token alike) — except within the grace window, where a
   * racing second request (two browser tabs) gets the very pair the first one produced.
   */
  async refresh(token: string | undefined, meta: RequestMeta): Promise<TokenPair> {
    if (!token) throw invalidRefresh();
    const live = await this.refreshTokens.peek(token);
    if (live) await this.limiter.hit(this.limits.refreshPerUser, live.userId);

    const record = await this.refreshTokens.take(token);
    if (!record) return this.refreshMissed(token, meta);

    const user = await this.users.findById(record.userId);
    if (!user) {
      await this.refreshTokens.revokeFamily(record.userId, record.familyId);
      throw invalidRefresh();
    }
    if (!isActive(user)) {
      await this.refreshTokens.revokeUser(user.id, { disabled: true });
      throw userDisabled();
    }
    if (user.mustChangePassword) {
      // A recovery ran while the cache was out of reach: sessions from before it end here.
      await this.refreshTokens.revokeUser(user.id);
      throw invalidRefresh();
    }
    const pair = await this.pairFor(user, ['pwd'], record.familyId);
    await this.refreshTokens.saveGrace(token, pair);
    return pair;
  }

  private async refreshMissed(token: string, meta: RequestMeta): Promise<TokenPair> {
    const racing = await this.refreshTokens.readGrace(token);
    if (racing) return racing;

    let marker = await this.refreshTokens.rotatedMarker(token);
    if (!marker) {
      // The winner takes the token and writes its rotation marker in two steps; a racing request
      // can fall between them. Look once more before calling the token unknown.
      await sleep(GRACE_POLL_MS);
      const late = await this.refreshTokens.readGrace(token);
      if (late) return late;
      marker = await this.refreshTokens.rotatedMarker(token);
    }
    if (marker) {
      const graceEnds = marker.at + this.config.ttl.refreshReuseGraceMs;
      if (Date.now() <= graceEnds) {
        // The winning request is still producing its pair: wait for it rather than call it theft.
        while (Date.now() <= graceEnds) {
          await sleep(GRACE_POLL_MS);
          const pair = await this.refreshTokens.readGrace(token);
          if (pair) return pair;
        }
        throw invalidRefresh();
      }
      await this.refreshTokens.revokeFamily(marker.userId, marker.familyId);
      this.metrics.refreshReuse();
      await this.audit.recordAlone({ id: marker.userId, type: 'user', meta }, [
        {
          key: 'auth.token.reuse_detected',
          entityType: 'session',
          entityId: marker.familyId,
          outcome: 'failure',
          tags: { userId: marker.userId },
        },
      ]);
      throw invalidRefresh();
    }

    const owner = await this.refreshTokens.revokedOwner(token);
    if (owner) {
      const user = await this.users.findById(owner);
      if (user && !isActive(user)) throw userDisabled();
    }
    const expiresAt = this.refreshTokens.expiryOf(token);
    if (expiresAt !== null && expiresAt <= Date.now()) {
      throw new Unauthorized('The refresh token has expired; sign in again.', 'refresh_token_expired');
    }
    throw invalidRefresh();
  }

  /** Ends the presented session, the caller's current one, or (with `all`) every one. */
  async logout(principal: Principal, input: LogoutRequest, cookieToken: string | undefined): Promise<void> {
    const userId = this.requireUser(principal);
    if (input.all) {
      await this.refreshTokens.revokeUser(userId);
      return;
    }
    const token = input.refreshToken ?? cookieToken;
    if (token) {
      await this.refreshTokens.revokeOne(userId, token);
    } else if (principal.sessionId) {
      await this.refreshTokens.revokeFamily(userId, principal.sessionId);
    }
  }

  me(principal: Principal): Promise<User> {
    return this.view(this.requireUser(principal));
  }

  private async view(userId: string): Promise<User> {
    const user = await this.users.findById(userId);
    if (!user) throw new NotFound('The user does not exist.', 'user_not_found');
    const roles = await this.users.rolesOf([user.id]);
    const linked = await this.users.telegramLinked([user.id]);
    return toUser(user, roles.get(user.id) ?? [], linked.has(user.id));
  }

  /** Changes the caller's password and ends every other session. */
  async changePassword(principal: Principal, input: ChangePasswordRequest, meta: RequestMeta): Promise<void> {
    const user = await this.users.findById(this.requireUser(principal));
    if (!user || !isActive(user)) throw userDisabled();
    const failureKey = `${user.email}|${meta.ip}`;
    await this.limiter.hit(this.limits.loginFailures, failureKey);
    if (!(await this.hasher.verify(user.passwordHash, input.currentPassword))) {
      throw new Invalid('The current password is wrong.', 'invalid_current_password', {
        errors: [{ field: 'currentPassword', message: 'is wrong' }],
      });
    }
    await this.limiter.reset(this.limits.loginFailures, failureKey);
    this.assertAcceptablePassword(input.newPassword, user.email, 'newPassword');
    if (input.newPassword === input.currentPassword) {
      throw new Invalid('The new password must differ from the current one.', 'password_unchanged', {
        errors: [{ field: 'newPassword', message: 'must differ from the current password' }],
      });
    }
    const passwordHash = await this.hasher.hash(input.newPassword);
    await this.db.transaction(async (tx) => {
      await this.users.update(tx, user.id, {
        passwordHash,
        passwordChangedAt: new Date(),
        mustChangePassword: false,
        temporaryPasswordExpiresAt: null,
      });
      await this.audit.record(tx, { id: user.id, type: 'user', meta }, [
        { key: 'auth.password.changed', entityType: 'user', entityId: user.id },
      ]);
    });
    this.audit.published();
    await this.refreshTokens.revokeUser(
      user.id,
      principal.sessionId === undefined ? {} : { keepFamily: principal.sessionId },
    );
  }

  /** Without the flag the route does not exist, whatever the body. */
  assertRegistrationOpen(): void {
    if (!this.config.registrationEnabled) throw new NotFound('Not found.', 'not_found');
  }

  /** Public self-registration, only where `AUTH_REGISTRATION_ENABLED=true` (else it does not exist: 404). */
  async register(input: RegisterRequest, meta: RequestMeta): Promise<User> {
    this.assertRegistrationOpen();
    await this.limiter.hit(this.limits.loginPerIp, meta.ip);
    this.assertAcceptablePassword(input.password, input.email, 'password');
    const passwordHash = await this.hasher.hash(input.password);
    const id = randomUUID();
    const created = await this.db.transaction(async (tx) => {
      const inserted = await this.users.insert(tx, {
        id,
        email: input.email,
        passwordHash,
        fullName: input.fullName ?? null,
        phone: null,
        status: 'active',
      });
      if (!inserted) return false;
      await this.users.assignRoles(tx, id, [ROLE_IDS.ROLE_USER]);
      await this.users.update(tx, id, { passwordChangedAt: new Date() });
      await this.audit.record(tx, { id, type: 'user', meta }, [
        { key: 'auth.user.created', entityType: 'user', entityId: id, tags: { email: input.email, via: 'register' } },
      ]);
      return true;
    });
    if (!created) throw new Conflict('A user with this email already exists.', 'user_exists');
    this.audit.published();
    return this.view(id);
  }

  /**
   * Exchanges a one-time token and a new password for a session: the activation token of an invited
   * user (sets the first password, enables the account), or the change token of a sign-in that
   * demanded a new password (replaces the password and ends every earlier session).
   */
  async activate(input: ActivateRequest, meta: RequestMeta): Promise<TokenPair> {
    await this.limiter.hit(this.limits.activationPerIp, meta.ip);
    const token = await this.activationTokens.peek(input.token);
    return token.purpose === 'password_change'
      ? this.completePasswordChange(token, input, meta)
      : this.activateInvited(token, input, meta);
  }

  private async activateInvited(token: OneTimeToken, input: ActivateRequest, meta: RequestMeta): Promise<TokenPair> {
    const user = await this.users.findById(token.userId);
    if (user?.status !== 'invited') throw invalidActivation(token.purpose);
    this.assertAcceptablePassword(input.password, user.email, 'password');
    await this.activationTokens.consume(input.token);

    const passwordHash = await this.hasher.hash(input.password);
    const activated = await this.db.transaction(async (tx) => {
      const row = await this.users.update(tx, user.id, {
        passwordHash,
        status: 'active',
        enabled: true,
        passwordChangedAt: new Date(),
        lastLoginAt: new Date(),
      });
      await this.audit.record(tx, { id: user.id, type: 'user', meta }, [
        { key: 'auth.user.activated', entityType: 'user', entityId: user.id, tags: { email: user.email } },
      ]);
      return row;
    });
    this.audit.published();
    await this.cutoff.restore(user.id);
    return this.openSession(activated ?? user, ['pwd']);
  }

  private async completePasswordChange(
    token: OneTimeToken,
    input: ActivateRequest,
    meta: RequestMeta,
  ): Promise<TokenPair> {
    const user = await this.users.findById(token.userId);
    // Disabled since the sign-in, or the change already done another way: the token is spent.
    if (!user || !isActive(user) || !user.mustChangePassword) throw invalidActivation(token.purpose);
    this.assertAcceptablePassword(input.password, user.email, 'password');
    if (await this.hasher.verify(user.passwordHash, input.password)) {
      throw new Invalid('The new password must differ from the current one.', 'password_unchanged', {
        errors: [{ field: 'password', message: 'must differ from the current password' }],
      });
    }
    await this.activationTokens.consume(input.token);

    const passwordHash = await this.hasher.hash(input.password);
    const changed = await this.db.transaction(async (tx) => {
      const row = await this.users.update(tx, user.id, {
        passwordHash,
        passwordChangedAt: new Date(),
        mustChangePassword: false,
        temporaryPasswordExpiresAt: null,
        lastLoginAt: new Date(),
      });
      const actor: Actor = { id: user.id, type: 'user', meta };
      await this.audit.record(tx, actor, [
        { key: 'auth.password.changed', entityType: 'user', entityId: user.id, tags: { via: 'required_change' } },
        {
          key: 'auth.login.succeeded',
          entityType: 'user',
          entityId: user.id,
          tags: { email: user.email, method: 'pwd' },
        },
      ]);
      return row;
    });
    this.audit.published();
    // platform.md §1.8 and §2.6: a change, and the use of a recovery, ends every earlier session.
    await this.refreshTokens.revokeUser(user.id);
    this.metrics.login('success');
    return this.openSession(changed ?? user, ['pwd']);
  }

  private async openSession(user: UserRow, amr: string[]): Promise<TokenPair> {
    return this.pairFor(user, amr, randomUUID());
  }

  /** A new pair in the given family; roles are read now, so role changes apply from the next refresh. */
  private async pairFor(user: UserRow, amr: string[], familyId: string): Promise<TokenPair> {
    const roles = await this.users.roleNames(user.id);
    const refresh = await this.refreshTokens.issue(user.id, familyId);
    // A disable that ran while this token was being issued may have missed it: the cut-off sets
    // its key before revoking, so either it revoked this token or the key is visible here.
    if (await this.cutoff.isCutOff(user.id)) {
      await this.refreshTokens.revokeFamily(user.id, refresh.familyId);
      throw userDisabled();
    }
    const access = await this.issuer.access(user, roles, { amr, sessionId: refresh.familyId });
    return {
      tokenType: 'Bearer',
      accessToken: access.token,
      expiresIn: access.expiresIn,
      refreshToken: refresh.token,
      refreshExpiresIn: this.issuer.refreshExpiresIn,
    };
  }

  private requireUser(principal: Principal): string {
    if (principal.type !== 'access') throw new Forbidden('This route is for users, not services.', 'forbidden');
    return principal.userId;
  }

  private assertAcceptablePassword(password: string, email: string, field: string): void {
    if (password.trim().toLowerCase() === email.toLowerCase()) {
      throw new Invalid('The password must differ from the email.', 'validation_error', {
        errors: [{ field, message: 'must differ from the email' }],
      });
    }
  }
}
