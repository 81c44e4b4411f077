import type { Calculation, CalculationStatus, CrmEventData } from '@polis/contracts';
import type { CalculationRecord } from './calculation.repository.js';

export function toCalculation(row: CalculationRecord): Calculation {
  return {
    id: row.id,
    dealId: row.dealId,
    ownerId: row.ownerId,
    insuranceCompany: row.insuranceCompany,
    programName: row.programName,
    premiumAmount: row.premiumAmount,
    coverageSum: row.coverageSum,
    calculationDate: row.calculationDate,
    validityPeriod: row.validityPeriod,
    files: row.files,
    comments: row.comments,
    status: row.status,
    linkedPolicyId: row.linkedPolicyId,
    isDeleted: row.isDeleted,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** `data` of every `deal.calculation.*` event (interfaces.md §4.3). */
export function calculationEventData(
  row: CalculationRecord,
  actorId: string,
  status: CalculationStatus = row.status,
): CrmEventData['deal.calculation.created'] {
  return {
    dealId: row.dealId,
    calculationId: row.id,
    status,
    insuranceCompany: row.insuranceCompany,
    calculationDate: row.calculationDate,
    programName: row.programName,
    premiumAmount: row.premiumAmount,
    policyId: row.linkedPolicyId,
    actorId,
  };
}

export const CALCULATION_STATUS_EVENT = {
  ready: 'deal.calculation.status.ready',
  confirmed: 'deal.calculation.status.confirmed',
  archived: 'deal.calculation.status.archived',
} as const;
