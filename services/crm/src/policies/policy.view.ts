import type { Policy, PolicyDocument } from '@polis/contracts';
import type { PolicyDocumentRow } from '../db/schema.js';
import type { PolicyRecord } from './policy.repository.js';

export function toPolicy(row: PolicyRecord): Policy {
  return {
    id: row.id,
    clientId: row.clientId,
    dealId: row.dealId,
    calculationId: row.calculationId,
    policyNumber: row.policyNumber,
    status: row.status,
    closedReason: row.closedReason,
    premium: row.premium,
    commissionRate: row.commissionRate,
    effectiveFrom: row.effectiveFrom,
    effectiveTo: row.effectiveTo,
    ownerId: row.ownerId,
    isDeleted: row.isDeleted,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toPolicyDocument(row: PolicyDocumentRow): PolicyDocument {
  return { id: row.id, policyId: row.policyId, documentId: row.documentId, createdAt: row.createdAt.toISOString() };
}
