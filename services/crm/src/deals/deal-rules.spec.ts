import { describe, expect, it } from 'vitest';
import { callerOf } from '../common/caller.js';
import { canManageDeal, refuseDealTransition, suggestNextReview } from './deal-rules.js';

const principal = (userId: string, roles: string[]) => ({
  userId,
  roles,
  type: 'access' as const,
  amr: ['pwd'],
  tokenId: 'j',
  expiresAt: 0,
  token: 't',
});

describe('deal rules', () => {
  it('allows one step between open stages, loss from any open one, a win only from a proposal', () => {
    expect(refuseDealTransition('qualification', 'in_progress')).toBeUndefined();
    expect(refuseDealTransition('in_progress', 'qualification')).toBeUndefined();
    expect(refuseDealTransition('in_progress', 'proposal')).toBeUndefined();
    expect(refuseDealTransition('proposal', 'in_progress')).toBeUndefined();
    expect(refuseDealTransition('proposal', 'won')).toBeUndefined();
    expect(refuseDealTransition('qualification', 'lost')).toBeUndefined();
    expect(refuseDealTransition('qualification', 'proposal')).toBe('invalid_status_transition');
    expect(refuseDealTransition('in_progress', 'won')).toBe('invalid_status_transition');
    expect(refuseDealTransition('proposal', 'qualification')).toBe('invalid_status_transition');
  });

  it('keeps won and lost final; the same status is no change', () => {
    expect(refuseDealTransition('won', 'lost')).toBe('deal_closed');
    expect(refuseDealTransition('lost', 'qualification')).toBe('deal_closed');
    expect(refuseDealTransition('won', 'won')).toBeUndefined();
  });

  it('lets the lead and admins manage a deal, not team members or services without a person', () => {
    const lead = callerOf(principal('e94f8a3a-2b1d-4d1f-a42e-3056c9cf5002', ['ROLE_SALES_AGENT']));
    const admin = callerOf(principal('b342f7f5-0d59-4cdd-bc17-5e2d6c3fb001', ['ROLE_ADMIN']));
    const executor = callerOf(principal('709cb79d-9ac3-4a56-88ac-9a8bc7033003', ['ROLE_EXECUTOR']));
    const deal = { ownerId: lead.userId };
    expect(canManageDeal(lead, deal)).toBe(true);
    expect(canManageDeal(admin, deal)).toBe(true);
    expect(canManageDeal(executor, deal)).toBe(false);
    expect(canManageDeal(lead, { ownerId: null })).toBe(false);
  });

  it('suggests the earliest policy reminder that is not in the past', () => {
    const today = '2025-03-01';
    expect(suggestNextReview(today, [])).toBeNull();
    expect(suggestNextReview(today, [{ status: 'active', effectiveTo: '2025-12-31' }])).toBe('2025-12-01');
    expect(suggestNextReview(today, [{ status: 'active', effectiveTo: '2025-03-05' }])).toBe('2025-03-05');
    expect(suggestNextReview(today, [{ status: 'pending_renewal', effectiveTo: '2025-02-27' }])).toBe('2025-03-02');
    expect(suggestNextReview(today, [{ status: 'pending_renewal', effectiveTo: '2025-02-20' }])).toBeNull();
    expect(
      suggestNextReview(today, [
        { status: 'draft', effectiveTo: '2025-03-10' },
        { status: 'closed', effectiveTo: '2025-03-10' },
        { status: 'active', effectiveTo: null },
        { status: 'active', effectiveTo: '2025-04-20' },
      ]),
    ).toBe('2025-03-21');
  });
});
