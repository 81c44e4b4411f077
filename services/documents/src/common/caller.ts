import { callerDecorator, type Principal } from '@polis/auth-kit';
import { ROLES } from '@polis/contracts';

/** Who is calling, as Documents' rules see it. */
export interface Caller {
  /** `sub` as the token says it (a user UUID or `svc:<name>`): what audits record. */
  actorId: string;
  roles: readonly string[];
  /** Admins and services see every document. */
  isAdmin: boolean;
  isService: boolean;
  /** The raw bearer token, for asking CRM what this caller may see. */
  token: string;
}

export function callerOf(principal: Principal): Caller {
  const isService = principal.type === 'service' || principal.roles.includes(ROLES.SERVICE);
  return {
    actorId: principal.userId,
    roles: principal.roles,
    isAdmin: isService || principal.roles.includes(ROLES.ADMIN),
    isService,
    token: principal.token,
  };
}

/** The verified caller of a guarded route. */
export const CurrentCaller = callerDecorator(callerOf);
