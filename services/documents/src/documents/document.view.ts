import type { DocumentInfo } from '@polis/contracts';
import type { DocumentRow } from '../db/schema.js';

const iso = (value: Date | null) => (value === null ? null : value.toISOString());

export function toDocument(row: DocumentRow): DocumentInfo {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    metadata: {
      ownerType: row.ownerType,
      ownerId: row.ownerId,
      documentType: row.documentType,
      notes: row.metadata.notes ?? null,
      tags: row.metadata.tags ?? [],
    },
    status: row.status,
    lastError: row.lastError,
    storagePath: row.storagePath,
    publicUrl: row.publicUrl,
    mimeType: row.mimeType,
    size: row.size,
    checksumMd5: row.checksumMd5,
    checksumSha256: row.checksumSha256,
    authorId: row.authorId,
    uploadedAt: iso(row.uploadedAt),
    syncedAt: iso(row.syncedAt),
    retentionUntil: iso(row.retentionUntil),
    archivedAt: iso(row.archivedAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
