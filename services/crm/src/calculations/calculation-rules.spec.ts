import { CALCULATION_STATUSES } from '@polis/contracts';
import { describe, expect, it } from 'vitest';
import { canMoveCalculation, isEditableCalculation, readinessProblems } from './calculation-rules.js';

describe('calculation rules', () => {
  it('allows exactly the transitions of domain.md §3.2', () => {
    const allowed = new Set(['draft>ready', 'ready>confirmed', 'ready>archived', 'confirmed>archived']);
    for (const from of CALCULATION_STATUSES) {
      for (const to of CALCULATION_STATUSES) {
        expect(canMoveCalculation(from, to), `${from} → ${to}`).toBe(allowed.has(`${from}>${to}`));
      }
    }
  });

  it('lets only drafts and ready quotes be edited', () => {
    expect(CALCULATION_STATUSES.filter(isEditableCalculation)).toEqual(['draft', 'ready']);
  });

  it('lists everything a quote lacks to be ready', () => {
    expect(readinessProblems({ programName: null, premiumAmount: null, validityPeriod: null, files: [] })).toEqual([
      'program_required_for_ready',
      'premium_required_for_ready',
      'validity_period_required_for_ready',
      'files_required_for_ready',
    ]);
    expect(
      readinessProblems({
        programName: 'КАСКО',
        premiumAmount: '100.00',
        validityPeriod: { start: '2025-01-01', end: '2025-12-31' },
        files: ['quote.pdf'],
      }),
    ).toEqual([]);
  });
});
