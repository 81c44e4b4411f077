import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Cache } from '@polis/cache';
import { Forbidden, Unauthorized } from '@polis/platform';
import { type AuthenticatedRequest, IS_PUBLIC_KEY, REQUIRED_ROLES_KEY } from './auth.decorators.js';
import { extractAccessToken } from './bearer-token.js';
import type { JwtVerifier } from './jwt-verifier.js';
import { hasAnyRole } from './principal.js';

export const AUTH_KIT_OPTIONS = Symbol('AUTH_KIT_OPTIONS');

export interface AuthKitOptions {
  verifier: JwtVerifier;
  /** Auth's cache: a user whose `auth:disabled:<userId>` key exists is cut off at once. */
  cache?: Cache;
}

/** Key Auth writes when an account is disabled; lives as long as an access token can. */
export function disabledUserKey(userId: string): string {
  return `auth:disabled:${userId}`;
}

/** Cache pub/sub channel on which Auth announces a disabled account (message: the user id). */
export const USER_DISABLED_CHANNEL = 'auth:user-disabled';

/**
 * Global guard: every route needs a valid token unless marked `@Public()`; `@Roles(...)` narrows it.
 * A disabled account answers 403 `user_disabled` (not 401): the token itself is fine, and a 401
 * would only send the client into a refresh that is refused with the same 403.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTH_KIT_OPTIONS) private readonly options: AuthKitOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = extractAccessToken(request.headers);
    if (!token) throw new Unauthorized('Authentication is required.', 'unauthorized');
    const principal = await this.options.verifier.verify(token);

    if (principal.type === 'access' && this.options.cache) {
      const disabled = await this.options.cache.get(disabledUserKey(principal.userId));
      if (disabled !== null) throw new Forbidden('This account is disabled.', 'user_disabled');
    }

    const required = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES_KEY, targets);
    if (required && required.length > 0 && !hasAnyRole(principal, required)) {
      throw new Forbidden('Your role may not use this route.', 'forbidden');
    }
    request.user = principal;
    return true;
  }
}
