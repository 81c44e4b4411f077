import type { DealStatus, PolicyStatus } from '@polis/contracts';
import { addDays } from '@polis/platform';
import type { Caller } from '../common/caller.js';

/** Won and lost are final (domain.md §3.1, decision 3). */
export const FINAL_DEAL_STATUSES: ReadonlySet<DealStatus> = new Set(['won', 'lost']);

/**
 * Moves between open stages go one step at a time (qualification ↔ negotiation ↔ proposal); any
 * open deal may be lost; only a proposal may be won.
 */
const NEXT_STATUSES: Readonly<Record<DealStatus, readonly DealStatus[]>> = {
  qualification: ['in_progress', 'lost'],
  in_progress: ['qualification', 'proposal', 'lost'],
  proposal: ['in_progress', 'won', 'lost'],
  won: [],
  lost: [],
};

export type DealTransitionRefusal = 'deal_closed' | 'invalid_status_transition';

/** Why a status change is refused, or undefined when §3.1 allows it (its guards apart). */
export function refuseDealTransition(current: DealStatus, next: DealStatus): DealTransitionRefusal | undefined {
  if (current === next) return undefined;
  if (FINAL_DEAL_STATUSES.has(current)) return 'deal_closed';
  return NEXT_STATUSES[current].includes(next) ? undefined : 'invalid_status_transition';
}

/** The deal lead (owner) and admins change a deal; team members only read it and work beneath it. */
export function canManageDeal(caller: Caller, deal: { ownerId: string | null }): boolean {
  return caller.isAdmin || (caller.userId !== null && deal.ownerId === caller.userId);
}

/** Reminder offsets around a policy's end (domain.md §4): renewal −30/−7, expiry 0/+3. */
const POLICY_REVIEW_OFFSETS = [-30, -7, 0, 3] as const;
const REVIEWED_POLICY_STATUSES: ReadonlySet<PolicyStatus> = new Set(['active', 'pending_renewal']);

export interface ReviewAnchor {
  status: PolicyStatus;
  effectiveTo: string | null;
}

/**
 * "Park until the next event" (domain.md §2.3 step ⑦): the earliest reminder date still ≥ today
 * among the deal's live active or pending-renewal policies; null when nothing is ahead.
 */
export function suggestNextReview(today: string, policies: readonly ReviewAnchor[]): string | null {
  let best: string | null = null;
  for (const policy of policies) {
    if (!REVIEWED_POLICY_STATUSES.has(policy.status) || policy.effectiveTo === null) continue;
    for (const offset of POLICY_REVIEW_OFFSETS) {
      const candidate = addDays(policy.effectiveTo, offset);
      if (candidate >= today && (best === null || candidate < best)) best = candidate;
    }
  }
  return best;
}
