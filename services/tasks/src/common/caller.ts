import type { Principal } from '@polis/auth-kit';
import { ROLES, SYSTEM_USER_ID } from '@polis/contracts';
import type { DbIdentity } from '@polis/db';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who is calling, as the task rules and row-level security see it. */
export interface Caller {
  /** The acting person; null for service tokens (`svc:<name>`). */
  userId: string | null;
  /** `sub` as the token says it. */
  actorId: string;
  roles: readonly string[];
  /** Admins and services see every task. */
  isAdmin: boolean;
  isService: boolean;
  identity: DbIdentity;
  /** The raw token, for calls to CRM made on the caller's behalf (absent for the system). */
  token?: string;
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
    identity: { userId: userId ?? '', roles },
    token: principal.token,
  };
}

/** The service itself (workers, rules, the CRM projection): sees and changes everything. */
export const SYSTEM_CALLER: Caller = {
  userId: null,
  actorId: SYSTEM_USER_ID,
  roles: [ROLES.SERVICE],
  isAdmin: true,
  isService: true,
  identity: { userId: '', roles: [ROLES.SERVICE] },
};

/** A signed-in user identified another way (the calendar feed token). */
export function userCaller(userId: string, roles: readonly string[] = []): Caller {
  const isAdmin = roles.includes(ROLES.ADMIN);
  return { userId, actorId: userId, roles, isAdmin, isService: false, identity: { userId, roles } };
}
