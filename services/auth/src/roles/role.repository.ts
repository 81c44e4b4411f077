import { Inject, Injectable } from '@nestjs/common';
import type { Database, Executor } from '@polis/db';
import { asc, eq, inArray } from 'drizzle-orm';
import { DATABASE } from '../auth.tokens.js';
import { type RoleRow, roles } from '../db/schema.js';

@Injectable()
export class RoleRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async list(): Promise<RoleRow[]> {
    return this.db.drizzle.select().from(roles).orderBy(asc(roles.name));
  }

  async findByName(name: string, executor: Executor = this.db.drizzle): Promise<RoleRow | undefined> {
    const [row] = await executor.select().from(roles).where(eq(roles.name, name)).limit(1);
    return row;
  }

  async findByNames(names: string[], executor: Executor = this.db.drizzle): Promise<RoleRow[]> {
    if (names.length === 0) return [];
    return executor.select().from(roles).where(inArray(roles.name, names));
  }

  /** Inserts unless the name is taken; answers the new row or undefined. */
  async insert(
    executor: Executor,
    role: { id: string; name: string; description: string | null },
  ): Promise<RoleRow | undefined> {
    const [row] = await executor.insert(roles).values(role).onConflictDoNothing({ target: roles.name }).returning();
    return row;
  }
}
