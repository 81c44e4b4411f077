import { type Principal, ROLE_ADMIN, ROLE_SERVICE } from './principal.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The part of a caller every service with row-level security derives the same way from a token. */
export interface PrincipalCaller {
  /** The acting person; null for service tokens (`svc:<name>`), which own nothing. */
  userId: string | null;
  /** `sub` as the token says it: what events and audits record as `actorId`. */
  actorId: string;
  roles: readonly string[];
  /** Admins and services see every row. */
  isAdmin: boolean;
  isService: boolean;
  /** What a request transaction sets as `app.user_id` / `app.roles`. */
  identity: { userId: string; roles: readonly string[] };
  /** The raw token, for calls to other services made on the caller's behalf. */
  token: string;
}

export function principalCaller(principal: Principal): PrincipalCaller {
  const userId = UUID.test(principal.userId) ? principal.userId.toLowerCase() : null;
  // `app.roles` is comma-separated: a role with a comma in it would read as two.
  const roles = principal.roles.filter((role) => !role.includes(','));
  const isService = principal.type === 'service' || roles.includes(ROLE_SERVICE);
  return {
    userId,
    actorId: principal.userId,
    roles,
    isAdmin: isService || roles.includes(ROLE_ADMIN),
    isService,
    // Only a UUID may reach app.user_id: the policies cast it.
    identity: { userId: userId ?? '', roles },
    token: principal.token,
  };
}
