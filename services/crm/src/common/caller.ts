import { type Principal, type PrincipalCaller, principalCaller } from '@polis/auth-kit';
import { ROLES } from '@polis/contracts';
import type { DbIdentity } from '@polis/db';

/** Who is calling, as CRM's rules and row-level security see it. */
export interface Caller extends PrincipalCaller {
  isSalesAgent: boolean;
  identity: DbIdentity;
}

export function callerOf(principal: Principal): Caller {
  const caller = principalCaller(principal);
  return { ...caller, isSalesAgent: caller.roles.includes(ROLES.SALES_AGENT) };
}
