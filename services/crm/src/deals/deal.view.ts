import { type Deal, STATUS_TO_STAGE } from '@polis/contracts';
import type { DealRecord } from './deal.repository.js';

export function toDeal(row: DealRecord): Deal {
  return {
    id: row.id,
    clientId: row.clientId,
    title: row.title,
    description: row.description,
    status: row.status,
    stage: STATUS_TO_STAGE[row.status],
    ownerId: row.ownerId,
    nextReviewAt: row.nextReviewAt,
    isDeleted: row.isDeleted,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
