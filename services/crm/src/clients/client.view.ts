import type { Client } from '@polis/contracts';
import type { ClientRecord } from './client.repository.js';

export function toClient(row: ClientRecord): Client {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    status: row.status,
    type: row.type,
    ownerId: row.ownerId,
    isDeleted: row.isDeleted,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
