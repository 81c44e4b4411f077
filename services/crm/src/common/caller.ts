import type { Principal } from '@polis/auth-kit';
import { ROLES } from '@polis/contracts';
import type { DbIdentity } from '@polis/db';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who is calling, as CRM's rules and row-level security see it. */
export interface Caller {
  /** The acting person; null for service tokens (`svc:<name>`), which own nothing. */
  userId: string | null;
  /** `sub` as the token says it: what events record as `actorId`. */
  actorId: string;
  roles: readonly string[];
  /** Admins and services see every row. */
  isAdmin: boolean;
  isService: boolean;
  isSalesAgent: boolean;
  /** What the request transaction sets as `app.user_id` / `app.roles`. */
  identity: DbIdentity;
  /** The raw token, for calls to other services made on the caller's behalf (Documents). */
  token: string;
}

export function callerOf(principal: Principal): Caller {
  const userId = UUID.test(principal.userId) ? principal.userId.toLowerCase() : null;
  const roles = principal.roles.filter((role) => !role.includes(','));
  const isService = principal.type === 'service' || roles.includes(ROLES.SERVICE);
  return {
    userId,
    actorId: principal.userId,
    roles,
    isAdmin: isService || roles.includes(ROLES.ADMIN),
    isService,
    isSalesAgent: roles.includes(ROLES.SALES_AGENT),
    // Only a UUID may reach app.user_id: the policies cast it.
    identity: { userId: userId ?? '', roles },
    token: principal.token,
  };
}
