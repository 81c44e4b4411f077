import { randomUUID } from 'node:crypto';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importPKCS8,
  type JWK,
  type KeyObject,
  SignJWT,
} from 'jose';
import { JWT_ALGORITHM } from './jwt-verifier.js';

/** A private key and the `kid` its public half is published under. */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey | KeyObject;
}

/** A signing key together with its public JWK (`kid`, `alg`, `use` set), ready for a JWKS. */
export interface SigningKeyPair extends SigningKey {
  publicJwk: JWK;
}

export interface TokenClaims {
  /** A user UUID or `svc:<client>`. */
  sub: string;
  email?: string;
  roles: readonly string[];
  typ: 'access' | 'service';
  amr: readonly string[];
  /** The login session (refresh-token family) of an access token. */
  sid?: string;
}

export interface SignOptions {
  issuer: string;
  audience: string;
  ttlSec: number;
  jti?: string;
  /** Epoch seconds of issue; defaults to now. */
  issuedAt?: number;
}

/** Signs an EdDSA JWT the way Auth issues them; also what tests and benchmarks use to mint tokens. */
export async function signToken(key: SigningKey, claims: TokenClaims, options: SignOptions): Promise<string> {
  const issuedAt = options.issuedAt ?? Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = { roles: [...claims.roles], typ: claims.typ, amr: [...claims.amr] };
  if (claims.email !== undefined) payload.email = claims.email;
  if (claims.sid !== undefined) payload.sid = claims.sid;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: JWT_ALGORITHM, kid: key.kid, typ: 'JWT' })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setSubject(claims.sub)
    .setJti(options.jti ?? randomUUID())
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + options.ttlSec)
    .sign(key.privateKey);
}

/** The public JWK of a private key, with `kid` (default: its RFC 7638 thumbprint), `alg` and `use`. */
export async function publicJwkOf(privateKey: CryptoKey | KeyObject, kid?: string): Promise<JWK> {
  const { kty, crv, x } = await exportJWK(privateKey);
  const base: JWK = { kty, crv, x };
  return { ...base, kid: kid ?? (await calculateJwkThumbprint(base)), alg: JWT_ALGORITHM, use: 'sig' };
}

/** A fresh Ed25519 key pair (extractable, so it can be stored as PKCS#8). */
export async function generateSigningKey(kid?: string): Promise<SigningKeyPair> {
  const { privateKey } = await generateKeyPair(JWT_ALGORITHM, { extractable: true });
  const publicJwk = await publicJwkOf(privateKey, kid);
  return { kid: publicJwk.kid as string, privateKey, publicJwk };
}

/** Loads a PKCS#8 PEM Ed25519 private key (e.g. `AUTH_JWT_PRIVATE_KEY`). */
export async function importSigningKey(pkcs8Pem: string, kid?: string): Promise<SigningKeyPair> {
  const privateKey = await importPKCS8(pkcs8Pem, JWT_ALGORITHM, { extractable: true });
  const publicJwk = await publicJwkOf(privateKey, kid);
  return { kid: publicJwk.kid as string, privateKey, publicJwk };
}

export async function exportSigningKey(key: SigningKey): Promise<string> {
  return exportPKCS8(key.privateKey);
}
