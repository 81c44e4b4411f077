import { Counter, type Registry } from 'prom-client';

export type LoginOutcome =
  | 'success'
  | 'invalid_credentials'
  | 'user_disabled'
  | 'rate_limited'
  | 'password_change_required'
  | 'temporary_password_expired';

/** Auth's own series on the service registry (served at /metrics). */
export class AuthMetrics {
  private readonly logins: Counter<'outcome'>;
  private readonly reuse: Counter;
  private readonly limited: Counter<'scope'>;

  constructor(registry: Registry) {
    this.logins = existingOr(
      registry,
      'auth_logins_total',
      () =>
        new Counter({
          name: 'auth_logins_total',
          help: 'Password logins by outcome',
          labelNames: ['outcome'] as const,
          registers: [registry],
        }),
    );
    this.reuse = existingOr(
      registry,
      'auth_refresh_reuse_total',
      () =>
        new Counter({
          name: 'auth_refresh_reuse_total',
          help: 'Refresh tokens presented again after rotation (their family was revoked)',
          registers: [registry],
        }),
    );
    this.limited = existingOr(
      registry,
      'auth_rate_limited_total',
      () =>
        new Counter({
          name: 'auth_rate_limited_total',
          help: 'Requests refused by a rate limit, by limit',
          labelNames: ['scope'] as const,
          registers: [registry],
        }),
    );
  }

  login(outcome: LoginOutcome): void {
    this.logins.inc({ outcome });
  }

  refreshReuse(): void {
    this.reuse.inc();
  }

  rateLimited(scope: string): void {
    this.limited.inc({ scope });
  }
}

function existingOr<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}
