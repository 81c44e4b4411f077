import type { AuthConfig } from '../auth.config.js';
import type { RateLimitRule } from './rate-limiter.js';

/** The limits of platform.md §1.9 that Auth enforces, sized by config. */
export function authLimits(config: AuthConfig) {
  const { rateLimits } = config;
  const minute = 60_000;
  return {
    loginPerIp: { scope: 'login-ip', limit: rateLimits.loginMaxPerMinute, windowMs: minute },
    loginFailures: {
      scope: 'login-fail',
      limit: rateLimits.loginMaxFailures,
      windowMs: rateLimits.loginFailureWindowMs,
    },
    refreshPerUser: { scope: 'refresh-user', limit: rateLimits.refreshMaxPerMinute, windowMs: minute },
    activationPerIp: {
      scope: 'activation-ip',
      limit: rateLimits.codeMaxAttempts,
      windowMs: rateLimits.codeAttemptWindowMs,
    },
    /** Per Telegram account, not per address: every confirmation arrives from the bot's address. */
    linkCodePerTelegramUser: {
      scope: 'tg-link-user',
      limit: rateLimits.codeMaxAttempts,
      windowMs: rateLimits.codeAttemptWindowMs,
    },
    serviceTokenPerIp: { scope: 'svc-token-ip', limit: rateLimits.loginMaxPerMinute, windowMs: minute },
  } satisfies Record<string, RateLimitRule>;
}
export type AuthLimits = ReturnType<typeof authLimits>;
