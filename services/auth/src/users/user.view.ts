import type { DirectoryEntry, Role, User } from '@polis/contracts';
import type { UserRow } from '../db/schema.js';

export function toUser(row: UserRow, roles: Role[], telegramLinked: boolean): User {
  return {
    id: row.id,
    email: row.email,
    fullName: row.fullName,
    phone: row.phone,
    enabled: row.enabled,
    status: row.status,
    roles,
    telegramLinked,
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toDirectoryEntry(row: UserRow, roles: Role[]): DirectoryEntry {
  return { id: row.id, fullName: row.fullName, email: row.email, roles: roles.map((role) => role.name) };
}

/** Only an enabled, activated account may sign in or refresh. */
export function isActive(row: UserRow): boolean {
  return row.enabled && row.status === 'active';
}
