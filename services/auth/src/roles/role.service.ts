import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Role } from '@polis/contracts';
import type { Database } from '@polis/db';
import { Conflict } from '@polis/platform';
import { type Actor, AuditEvents } from '../audit/audit.events.js';
import { DATABASE } from '../auth.tokens.js';
import type { RoleRow } from '../db/schema.js';
import { RoleRepository } from './role.repository.js';

const toRole = (row: RoleRow): Role => ({ id: row.id, name: row.name, description: row.description });

@Injectable()
export class RoleService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly roles: RoleRepository,
    private readonly audit: AuditEvents,
  ) {}

  async list(): Promise<Role[]> {
    return (await this.roles.list()).map(toRole);
  }

  /** A duplicate name is a 409 `role_exists`, never a silent return of the existing role. */
  async create(actor: Actor, input: { name: string; description?: string | undefined }): Promise<Role> {
    const row = await this.db.transaction(async (tx) => {
      const inserted = await this.roles.insert(tx, {
        id: randomUUID(),
        name: input.name,
        description: input.description || null,
      });
      if (inserted) {
        await this.audit.record(tx, actor, [
          { key: 'auth.role.created', entityType: 'role', entityId: inserted.id, tags: { role: inserted.name } },
        ]);
      }
      return inserted;
    });
    if (!row) throw new Conflict(`The role ${input.name} already exists.`, 'role_exists');
    this.audit.published();
    return toRole(row);
  }
}
