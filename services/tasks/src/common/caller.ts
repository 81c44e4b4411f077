import { type Principal, type PrincipalCaller, principalCaller } from '@polis/auth-kit';
import { ROLES, SYSTEM_USER_ID } from '@polis/contracts';
import type { DbIdentity } from '@polis/db';

/** Who is calling, as the task rules and row-level security see it. */
export interface Caller extends Omit<PrincipalCaller, 'token'> {
  identity: DbIdentity;
  /** The raw token, for calls to CRM made on the caller's behalf (absent for the system). */
  token?: string;
}

export function callerOf(principal: Principal): Caller {
  return principalCaller(principal);
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
