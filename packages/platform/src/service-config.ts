import { env } from './config.js';
import type { ServiceDiscoveryOptions } from './service.js';

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

/** The variables of a service that verifies Auth's access tokens (interfaces.md §6). */
export const authVerifierEnv = {
  AUTH_BASE_URL: env.url('http://localhost:8081'),
  AUTH_JWKS_URL: env.url(),
  AUTH_JWT_ISSUER: env.str(),
  AUTH_JWT_AUDIENCE: env.str('crm-clients'),
};

export interface AuthVerifierSettings {
  jwksUrl: string;
  issuer: string;
  audience: string;
}

/** Auth's JWKS and the expected `iss`/`aud`; without explicit values, those of Auth at `AUTH_BASE_URL`. */
export function authVerifierSettings(values: {
  AUTH_BASE_URL: string;
  AUTH_JWKS_URL?: string | undefined;
  AUTH_JWT_ISSUER?: string | undefined;
  AUTH_JWT_AUDIENCE: string;
}): AuthVerifierSettings {
  const authBase = trimSlash(values.AUTH_BASE_URL);
  return {
    jwksUrl: values.AUTH_JWKS_URL ?? `${authBase}/.well-known/jwks.json`,
    // Auth's own default issuer is the address it is reached at.
    issuer: values.AUTH_JWT_ISSUER ?? authBase,
    audience: values.AUTH_JWT_AUDIENCE,
  };
}

/** Consul registration: on when `CONSUL_HTTP_ADDR` is set. */
export const consulEnv = {
  CONSUL_HTTP_ADDR: env.url(),
  CONSUL_HTTP_TOKEN: env.str(),
};

export interface ConsulSettings {
  url: string;
  token?: string;
}

export function consulSettings(values: {
  CONSUL_HTTP_ADDR?: string | undefined;
  CONSUL_HTTP_TOKEN?: string | undefined;
}): ConsulSettings | undefined {
  if (!values.CONSUL_HTTP_ADDR) return undefined;
  const consul: ConsulSettings = { url: trimSlash(values.CONSUL_HTTP_ADDR) };
  if (values.CONSUL_HTTP_TOKEN) consul.token = values.CONSUL_HTTP_TOKEN;
  return consul;
}

/** `startService`'s discovery option for a service registered as `serviceName` (none without Consul). */
export function consulDiscovery(
  consul: ConsulSettings | undefined,
  serviceName: string,
): { discovery?: ServiceDiscoveryOptions } {
  if (!consul) return {};
  return { discovery: { consulUrl: consul.url, serviceName, ...(consul.token ? { token: consul.token } : {}) } };
}

/** True for an IANA time zone this runtime knows (e.g. `Europe/Moscow`). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
