import { type DynamicModule, Module } from '@nestjs/common';
import { AuthKitModule, createJwtVerifier } from '@polis/auth-kit';
import type { Cache } from '@polis/cache';
import type { Database, OutboxRelay } from '@polis/db';
import { METRICS } from '@polis/platform';
import type { Registry } from 'prom-client';
import { AuditEvents } from './audit/audit.events.js';
import type { AuthConfig } from './auth.config.js';
import { AUTH_CONFIG, CACHE, DATABASE, OUTBOX_RELAY } from './auth.tokens.js';
import { KeysController } from './keys/keys.controller.js';
import { SigningKeyStore } from './keys/signing-key.store.js';
import { AuthMetrics } from './metrics/auth.metrics.js';
import { RoleController } from './roles/role.controller.js';
import { RoleRepository } from './roles/role.repository.js';
import { RoleService } from './roles/role.service.js';
import { PasswordHasher } from './security/password-hasher.js';
import { RateLimiter } from './security/rate-limiter.js';
import { AccountCutoff } from './sessions/account-cutoff.js';
import { SessionController } from './sessions/session.controller.js';
import { SessionService } from './sessions/session.service.js';
import { LinkCodeStore } from './telegram/link-code.store.js';
import { TelegramController, TelegramInternalController } from './telegram/telegram.controller.js';
import { TelegramRepository } from './telegram/telegram.repository.js';
import { TelegramService } from './telegram/telegram.service.js';
import { InternalTokenController } from './tokens/internal-token.controller.js';
import { RefreshTokenStore } from './tokens/refresh-token.store.js';
import { ServiceTokenService } from './tokens/service-token.service.js';
import { TokenIssuer } from './tokens/token-issuer.js';
import { ActivationTokenStore } from './users/activation-token.store.js';
import { UserController } from './users/user.controller.js';
import { UserRepository } from './users/user.repository.js';
import { UserService } from './users/user.service.js';

/** What the composition root owns and hands in (it also closes them). */
export interface AuthModuleDeps {
  config: AuthConfig;
  db: Database;
  cache: Cache;
  relay: OutboxRelay;
  keys: SigningKeyStore;
  hasher: PasswordHasher;
}

@Module({})
export class AuthModule {
  static create(deps: AuthModuleDeps): DynamicModule {
    // Auth verifies its own tokens with its in-memory keys: no JWKS round trip to itself.
    const verifier = createJwtVerifier({
      keys: deps.keys.getKey,
      issuer: deps.config.jwt.issuer,
      audience: deps.config.jwt.audience,
    });
    return {
      module: AuthModule,
      imports: [AuthKitModule.forRoot({ verifier, cache: deps.cache })],
      controllers: [
        SessionController,
        UserController,
        RoleController,
        TelegramController,
        TelegramInternalController,
        InternalTokenController,
        KeysController,
      ],
      providers: [
        { provide: AUTH_CONFIG, useValue: deps.config },
        { provide: DATABASE, useValue: deps.db },
        { provide: CACHE, useValue: deps.cache },
        { provide: OUTBOX_RELAY, useValue: deps.relay },
        { provide: SigningKeyStore, useValue: deps.keys },
        { provide: PasswordHasher, useValue: deps.hasher },
        { provide: AuthMetrics, useFactory: (registry: Registry) => new AuthMetrics(registry), inject: [METRICS] },
        {
          provide: RateLimiter,
          useFactory: (cache: Cache, metrics: AuthMetrics) =>
            new RateLimiter(cache, (scope) => metrics.rateLimited(scope)),
          inject: [CACHE, AuthMetrics],
        },
        AuditEvents,
        UserRepository,
        RoleRepository,
        TelegramRepository,
        RefreshTokenStore,
        ActivationTokenStore,
        LinkCodeStore,
        TokenIssuer,
        AccountCutoff,
        SessionService,
        UserService,
        RoleService,
        TelegramService,
        ServiceTokenService,
      ],
    };
  }
}
