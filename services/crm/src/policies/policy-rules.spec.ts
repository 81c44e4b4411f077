import { POLICY_STATUSES } from '@polis/contracts';
import { describe, expect, it } from 'vitest';
import { mayMovePolicy, refusePolicyTransition } from './policy-rules.js';

describe('policy lifecycle', () => {
  it('allows exactly the moves of domain.md §3.3', () => {
    const allowed = new Set([
      'draft>active',
      'active>pending_renewal',
      'active>closed',
      'pending_renewal>active',
      'pending_renewal>closed',
    ]);
    for (const from of POLICY_STATUSES) {
      for (const to of POLICY_STATUSES) {
        if (from === to) continue;
        const refusal = refusePolicyTransition(from, to);
        if (allowed.has(`${from}>${to}`)) expect(refusal, `${from} → ${to}`).toBeUndefined();
        else expect(refusal, `${from} → ${to}`).toBe(from === 'closed' ? 'policy_closed' : 'invalid_status_transition');
      }
    }
  });

  it('lets the servicing user activate and flag renewal, and only the lead or an admin do the rest', () => {
    const servicing = { isAdmin: false, isLead: false, isServicing: true };
    expect(mayMovePolicy('draft', 'active', servicing)).toBe(true);
    expect(mayMovePolicy('active', 'pending_renewal', servicing)).toBe(true);
    expect(mayMovePolicy('pending_renewal', 'active', servicing)).toBe(false);
    expect(mayMovePolicy('active', 'closed', servicing)).toBe(false);
    expect(mayMovePolicy('active', 'closed', { isAdmin: false, isLead: true, isServicing: false })).toBe(true);
    expect(mayMovePolicy('draft', 'active', { isAdmin: false, isLead: false, isServicing: false })).toBe(false);
  });
});
