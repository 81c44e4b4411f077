import type { CalculationStatus } from '@polis/contracts';

/** domain.md §3.2: draft → ready → confirmed; ready/confirmed → archived; nothing else. */
const NEXT_STATUSES: Readonly<Record<CalculationStatus, readonly CalculationStatus[]>> = {
  draft: ['ready'],
  ready: ['confirmed', 'archived'],
  confirmed: ['archived'],
  archived: [],
};

export function canMoveCalculation(current: CalculationStatus, next: CalculationStatus): boolean {
  return NEXT_STATUSES[current].includes(next);
}

/** Only drafts and ready quotes may be edited (else 400 `calculation_update_forbidden`). */
export function isEditableCalculation(status: CalculationStatus): boolean {
  return status === 'draft' || status === 'ready';
}

export type ReadinessProblem =
  | 'program_required_for_ready'
  | 'premium_required_for_ready'
  | 'validity_period_required_for_ready'
  | 'files_required_for_ready';

export interface ReadinessInput {
  programName: string | null;
  premiumAmount: string | null;
  validityPeriod: { start: string; end: string } | null;
  files: readonly string[];
}

/** What a quote lacks to be `ready`: program, premium, both validity bounds and at least one file. */
export function readinessProblems(calculation: ReadinessInput): ReadinessProblem[] {
  const problems: ReadinessProblem[] = [];
  if (!calculation.programName) problems.push('program_required_for_ready');
  if (!calculation.premiumAmount) problems.push('premium_required_for_ready');
  if (!calculation.validityPeriod) problems.push('validity_period_required_for_ready');
  if (calculation.files.length === 0) problems.push('files_required_for_ready');
  return problems;
}
