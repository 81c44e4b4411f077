import { Controller, Get, Header, HttpCode, Inject, Post } from '@nestjs/common';
import { JWT_ALGORITHM, Public, Roles } from '@polis/auth-kit';
import { type Jwks, type OpenIdConfiguration, ROLES } from '@polis/contracts';
import type { AuthConfig } from '../auth.config.js';
import { AUTH_CONFIG } from '../auth.tokens.js';
import { SigningKeyStore } from './signing-key.store.js';

/** Verifiers cache the JWKS for 10 minutes; browsers and proxies may keep it a little. */
const JWKS_CACHE_CONTROL = 'public, max-age=300';

@Controller()
export class KeysController {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly keys: SigningKeyStore,
  ) {}

  @Public()
  @Get('.well-known/jwks.json')
  @Header('Cache-Control', JWKS_CACHE_CONTROL)
  wellKnownJwks(): Promise<Jwks> {
    return this.jwks();
  }

  @Public()
  @Get('api/v1/auth/jwks')
  @Header('Cache-Control', JWKS_CACHE_CONTROL)
  publicJwks(): Promise<Jwks> {
    return this.jwks();
  }

  @Public()
  @Get('.well-known/openid-configuration')
  @Header('Cache-Control', JWKS_CACHE_CONTROL)
  discovery(): OpenIdConfiguration {
    const base = this.config.baseUrl;
    return {
      issuer: this.config.jwt.issuer,
      jwks_uri: `${base}/.well-known/jwks.json`,
      token_endpoint: `${base}/api/v1/auth/token`,
      grant_types_supported: ['password', 'refresh_token', 'client_credentials'],
      response_types_supported: ['token'],
      subject_types_supported: ['public'],
      token_endpoint_auth_methods_supported: ['client_secret_post'],
      id_token_signing_alg_values_supported: [JWT_ALGORITHM],
      claims_supported: ['iss', 'aud', 'sub', 'iat', 'exp', 'jti', 'email', 'roles', 'typ', 'amr', 'sid'],
    };
  }

  /** Starts signing with a new key; the previous one stays in the JWKS until retired. */
  @Roles(ROLES.SERVICE, ROLES.ADMIN)
  @Post('internal/v1/auth/keys/rotate')
  @HttpCode(200)
  rotate(): Promise<{ kid: string; previousKid: string }> {
    return this.keys.rotate();
  }

  /** Drops the previous keys from the JWKS: tokens they signed stop being accepted. */
  @Roles(ROLES.SERVICE, ROLES.ADMIN)
  @Post('internal/v1/auth/keys/retire')
  @HttpCode(200)
  retire(): Promise<{ retired: string[] }> {
    return this.keys.retirePrevious();
  }

  private async jwks(): Promise<Jwks> {
    const { keys } = await this.keys.jwks();
    return { keys: keys.map((key) => ({ ...key, kty: key.kty ?? 'OKP' })) };
  }
}
