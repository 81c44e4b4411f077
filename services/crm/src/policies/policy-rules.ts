import type { PolicyStatus } from '@polis/contracts';

/** domain.md §3.3: draft → active ⇄ pending_renewal; active/pending_renewal → closed; closed is final. */
const NEXT_STATUSES: Readonly<Record<PolicyStatus, readonly PolicyStatus[]>> = {
  draft: ['active'],
  active: ['pending_renewal', 'closed'],
  pending_renewal: ['active', 'closed'],
  closed: [],
};

export type PolicyTransitionRefusal = 'policy_closed' | 'invalid_status_transition';

export function refusePolicyTransition(current: PolicyStatus, next: PolicyStatus): PolicyTransitionRefusal | undefined {
  if (current === next) return undefined;
  if (current === 'closed') return 'policy_closed';
  return NEXT_STATUSES[current].includes(next) ? undefined : 'invalid_status_transition';
}

/** Who moves a policy: the lead (deal owner, or client owner without a deal) and admins; the servicing user too where §3.3 says so. */
export function mayMovePolicy(
  current: PolicyStatus,
  next: PolicyStatus,
  who: { isAdmin: boolean; isLead: boolean; isServicing: boolean },
): boolean {
  if (who.isAdmin || who.isLead) return true;
  if (!who.isServicing) return false;
  return (current === 'draft' && next === 'active') || (current === 'active' && next === 'pending_renewal');
}
