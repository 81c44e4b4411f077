/** Who is calling, as a verified access or service token says. */
export interface Principal {
  /** `sub`: a user UUID, or `svc:<client>` for service tokens. */
  userId: string;
  email?: string;
  roles: string[];
  type: 'access' | 'service';
  /** How the user authenticated: `pwd`, `telegram`, `client_credentials`. */
  amr: string[];
  /** `jti`. */
  tokenId: string;
  /** `exp`, epoch seconds. */
  expiresAt: number;
  /** `sid`: the refresh-token family (login session) the access token was issued in, when any. */
  sessionId?: string;
  /** The raw token, for calls made on the caller's behalf. */
  token: string;
}

/** True when the principal holds at least one of the roles. */
export function hasAnyRole(principal: Principal, roles: readonly string[]): boolean {
  return roles.some((role) => principal.roles.includes(role));
}

export const ROLE_ADMIN = 'ROLE_ADMIN';
export const ROLE_SERVICE = 'ROLE_SERVICE';

export function isAdmin(principal: Principal): boolean {
  return principal.roles.includes(ROLE_ADMIN);
}
