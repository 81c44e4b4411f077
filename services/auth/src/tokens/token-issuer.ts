import { Inject, Injectable } from '@nestjs/common';
import { signToken } from '@polis/auth-kit';
import { ROLES } from '@polis/contracts';
import type { AuthConfig } from '../auth.config.js';
import { AUTH_CONFIG } from '../auth.tokens.js';
import { SigningKeyStore } from '../keys/signing-key.store.js';

export interface TokenSubject {
  id: string;
  email: string;
}

export interface IssuedToken {
  token: string;
  /** Seconds. */
  expiresIn: number;
}

const seconds = (ms: number) => Math.max(1, Math.round(ms / 1000));

/** Signs Auth's JWTs (interfaces.md §7) with the current key of the store. */
@Injectable()
export class TokenIssuer {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly keys: SigningKeyStore,
  ) {}

  /** A user's access token. `ROLE_SERVICE` never reaches a user token, whatever the database says. */
  async access(
    user: TokenSubject,
    roles: readonly string[],
    options: { amr: string[]; sessionId?: string; ttlMs?: number },
  ): Promise<IssuedToken> {
    const expiresIn = seconds(options.ttlMs ?? this.config.ttl.accessMs);
    const token = await signToken(
      this.keys.current(),
      {
        sub: user.id,
        email: user.email,
        roles: roles.filter((role) => role !== ROLES.SERVICE),
        typ: 'access',
        amr: options.amr,
        ...(options.sessionId ? { sid: options.sessionId } : {}),
      },
      { issuer: this.config.jwt.issuer, audience: this.config.jwt.audience, ttlSec: expiresIn },
    );
    return { token, expiresIn };
  }

  /** A machine token: `sub = svc:<client>`, only `ROLE_SERVICE`. */
  async service(clientId: string): Promise<IssuedToken> {
    const expiresIn = seconds(this.config.ttl.serviceMs);
    const token = await signToken(
      this.keys.current(),
      { sub: `svc:${clientId}`, roles: [ROLES.SERVICE], typ: 'service', amr: ['client_credentials'] },
      { issuer: this.config.jwt.issuer, audience: this.config.jwt.audience, ttlSec: expiresIn },
    );
    return { token, expiresIn };
  }

  get refreshExpiresIn(): number {
    return seconds(this.config.ttl.refreshMs);
  }
}
