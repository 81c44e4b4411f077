import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AccessTokenResponse, ServiceTokenRequest } from '@polis/contracts';
import { Unauthorized } from '@polis/platform';
import type { AuthConfig } from '../auth.config.js';
import { AUTH_CONFIG } from '../auth.tokens.js';
import type { RequestMeta } from '../common/request-meta.js';
import { authLimits } from '../security/auth-limits.js';
import { RateLimiter } from '../security/rate-limiter.js';
import { TokenIssuer } from './token-issuer.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Client credentials for machines (`AUTH_SERVICE_CLIENTS`): a short `ROLE_SERVICE` token. */
@Injectable()
export class ServiceTokenService {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly limiter: RateLimiter,
    private readonly issuer: TokenIssuer,
  ) {}

  async issue(input: ServiceTokenRequest, meta: RequestMeta): Promise<AccessTokenResponse> {
    await this.limiter.hit(authLimits(this.config).serviceTokenPerIp, `${input.clientId}|${meta.ip}`);
    const expected = Object.hasOwn(this.config.serviceClients, input.clientId)
      ? this.config.serviceClients[input.clientId]
      : undefined;
    // Digests have equal length, so the comparison time says nothing about the secret.
    const matches = timingSafeEqual(digest(expected ?? '\u0000unknown-client'), digest(input.clientSecret));
    if (expected === undefined || !matches) {
      throw new Unauthorized('Unknown client or wrong secret.', 'invalid_client');
    }
    const access = await this.issuer.service(input.clientId);
    return { tokenType: 'Bearer', accessToken: access.token, expiresIn: access.expiresIn };
  }
}
