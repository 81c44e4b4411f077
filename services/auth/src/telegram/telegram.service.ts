import { Inject, Injectable } from '@nestjs/common';
import { isAdmin, type Principal } from '@polis/auth-kit';
import type {
  AccessTokenResponse,
  TelegramBinding,
  TelegramLinkCodeResponse,
  TelegramLinkRequest,
  TelegramLinkResponse,
  TelegramStatus,
} from '@polis/contracts';
import { type Database, isUniqueViolation } from '@polis/db';
import { Conflict, Forbidden, Invalid, NotFound } from '@polis/platform';
import { type Actor, AuditEvents } from '../audit/audit.events.js';
import type { AuthConfig } from '../auth.config.js';
import { AUTH_CONFIG, DATABASE } from '../auth.tokens.js';
import type { RequestMeta } from '../common/request-meta.js';
import type { TelegramBindingRow } from '../db/schema.js';
import { authLimits } from '../security/auth-limits.js';
import { RateLimiter } from '../security/rate-limiter.js';
import { TokenIssuer } from '../tokens/token-issuer.js';
import { UserRepository } from '../users/user.repository.js';
import { isActive } from '../users/user.view.js';
import { LinkCodeStore } from './link-code.store.js';
import { TelegramRepository } from './telegram.repository.js';

const invalidCode = () => new Invalid('The confirmation code is not valid (wrong, used or expired).', 'invalid_code');

/** Binding a Telegram account to a user (platform.md §2.5) and what the bot needs to act as that user. */
@Injectable()
export class TelegramService {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(DATABASE) private readonly db: Database,
    private readonly bindings: TelegramRepository,
    private readonly users: UserRepository,
    private readonly codes: LinkCodeStore,
    private readonly limiter: RateLimiter,
    private readonly audit: AuditEvents,
    private readonly issuer: TokenIssuer,
  ) {}

  async createLinkCode(principal: Principal): Promise<TelegramLinkCodeResponse> {
    const userId = this.requireUser(principal);
    if (await this.bindings.liveOfUser(userId)) {
      throw new Conflict('Your account is already linked to Telegram; unlink it first.', 'telegram_already_linked');
    }
    const code = await this.codes.issue(userId);
    return {
      code,
      expiresIn: Math.round(this.config.ttl.telegramLinkCodeMs / 1000),
      deepLink: `https://t.me/${this.config.telegramBotUsername}?start=${code}`,
    };
  }

  /** Called by the bot with the code a user sent it: one Telegram id per user and vice versa. */
  async link(principal: Principal, input: TelegramLinkRequest, meta: RequestMeta): Promise<TelegramLinkResponse> {
    await this.limiter.hit(authLimits(this.config).linkCodePerTelegramUser, String(input.telegramId));
    const userId = await this.codes.consume(input.confirmationCode);
    if (userId === null || (input.userId !== undefined && input.userId !== userId)) throw invalidCode();
    const user = await this.users.findById(userId);
    if (!user) throw new NotFound('The user does not exist.', 'user_not_found');

    const actor: Actor = { id: principal.userId, type: 'service', meta };
    const linked = await this.db
      .transaction(async (tx) => {
        const holder = await this.bindings.liveOfTelegramId(input.telegramId, tx);
        if (holder && holder.userId !== userId) {
          throw new Conflict('This Telegram account is linked to another user.', 'telegram_id_in_use');
        }
        if (holder) return false;
        if (await this.bindings.liveOfUser(userId, tx)) {
          throw new Conflict('The account is already linked to another Telegram account.', 'telegram_already_linked');
        }
        await this.bindings.link(tx, {
          userId,
          telegramId: input.telegramId,
          chatId: input.chatId ?? null,
          username: input.username ?? null,
        });
        await this.audit.record(tx, actor, [
          {
            key: 'auth.telegram.linked',
            entityType: 'telegram_binding',
            entityId: userId,
            tags: { userId, telegramId: String(input.telegramId) },
          },
        ]);
        return true;
      })
      .catch((error: unknown) => {
        // Two bots racing to bind one Telegram account: the partial unique index decides.
        if (isUniqueViolation(error))
          throw new Conflict('This Telegram account is linked to another user.', 'telegram_id_in_use');
        throw error;
      });
    if (linked) this.audit.published();
    return { linked: true, userId };
  }

  /** Users unlink themselves; admins may unlink anyone (`?userId=`). */
  async unlink(principal: Principal, targetUserId: string | undefined, meta: RequestMeta): Promise<void> {
    const callerId = this.requireUser(principal);
    const userId = targetUserId ?? callerId;
    if (userId !== callerId && !isAdmin(principal)) {
      throw new Forbidden('Only an administrator may unlink another user.', 'forbidden');
    }
    const revoked = await this.db.transaction(async (tx) => {
      const done = await this.bindings.revoke(tx, userId);
      if (done) {
        await this.audit.record(tx, { id: callerId, type: 'user', meta }, [
          { key: 'auth.telegram.unlinked', entityType: 'telegram_binding', entityId: userId, tags: { userId } },
        ]);
      }
      return done;
    });
    if (!revoked) throw new NotFound('No Telegram account is linked.', 'telegram_binding_not_found');
    this.audit.published();
  }

  async status(principal: Principal): Promise<TelegramStatus> {
    const binding = await this.bindings.liveOfUser(this.requireUser(principal));
    return {
      linked: binding !== undefined,
      telegramId: binding?.telegramId ?? null,
      linkedAt: binding?.linkedAt.toISOString() ?? null,
    };
  }

  async byTelegramId(telegramId: number): Promise<TelegramBinding> {
    const binding = await this.bindings.liveOfTelegramId(telegramId);
    if (!binding) throw new NotFound('No user is linked to this Telegram account.', 'telegram_user_not_found');
    return this.describe(binding);
  }

  async byUserId(userId: string): Promise<TelegramBinding> {
    const binding = await this.bindings.liveOfUser(userId);
    if (!binding) throw new NotFound('The user has no Telegram account linked.', 'telegram_binding_not_found');
    return this.describe(binding);
  }

  /** A short user token for the bot to call other services as the linked user (`amr: ["telegram"]`). */
  async tokenFor(telegramId: number): Promise<AccessTokenResponse> {
    const binding = await this.bindings.liveOfTelegramId(telegramId);
    const user = binding ? await this.users.findById(binding.userId) : undefined;
    if (!binding || !user) throw new NotFound('No user is linked to this Telegram account.', 'telegram_user_not_found');
    if (!isActive(user)) throw new Forbidden('This account is disabled.', 'user_disabled');
    // A pending password change (first sign-in or recovery) must happen in the web app first.
    if (user.mustChangePassword) {
      throw new Forbidden('The account must set a new password before it is used.', 'password_change_required');
    }
    const roles = await this.users.roleNames(user.id);
    const access = await this.issuer.access(user, roles, { amr: ['telegram'], ttlMs: this.config.ttl.telegramMs });
    return { tokenType: 'Bearer', accessToken: access.token, expiresIn: access.expiresIn };
  }

  private async describe(binding: TelegramBindingRow): Promise<TelegramBinding> {
    const user = await this.users.findById(binding.userId);
    return {
      userId: binding.userId,
      telegramId: binding.telegramId,
      chatId: binding.chatId,
      username: binding.username,
      roles: user ? await this.users.roleNames(user.id) : [],
      active: user !== undefined && isActive(user),
    };
  }

  private requireUser(principal: Principal): string {
    if (principal.type !== 'access') throw new Forbidden('This route is for users, not services.', 'forbidden');
    return principal.userId;
  }
}
