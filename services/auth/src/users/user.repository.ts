import { Inject, Injectable } from '@nestjs/common';
import type { Role, UserStatus } from '@polis/contracts';
import type { Database, Executor } from '@polis/db';
import { and, asc, count, eq, exists, ilike, inArray, isNull, or, type SQL } from 'drizzle-orm';
import { DATABASE } from '../auth.tokens.js';
import { roles, telegramBindings, type UserRow, userRoles, users } from '../db/schema.js';

export interface NewUser {
  id: string;
  email: string;
  passwordHash: string | null;
  fullName: string | null;
  phone: string | null;
  status: UserStatus;
  /** The first sign-in must set a new password (the bootstrap administrator). */
  mustChangePassword?: boolean;
}

export type UserPatch = Partial<
  Pick<
    UserRow,
    | 'fullName'
    | 'phone'
    | 'status'
    | 'enabled'
    | 'passwordHash'
    | 'passwordChangedAt'
    | 'lastLoginAt'
    | 'mustChangePassword'
    | 'temporaryPasswordExpiresAt'
  >
>;

export interface UserFilter {
  search?: string;
  role?: string;
  status?: UserStatus;
  limit: number;
  offset: number;
}

/** `%`, `_` and `\` in a search term match themselves, not any text. */
function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

@Injectable()
export class UserRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async findById(id: string, executor: Executor = this.db.drizzle): Promise<UserRow | undefined> {
    const [row] = await executor.select().from(users).where(eq(users.id, id)).limit(1);
    return row;
  }

  async findByEmail(email: string, executor: Executor = this.db.drizzle): Promise<UserRow | undefined> {
    const [row] = await executor.select().from(users).where(eq(users.email, email)).limit(1);
    return row;
  }

  /** Inserts unless the email is taken; answers whether it did. */
  async insert(executor: Executor, user: NewUser): Promise<boolean> {
    const inserted = await executor
      .insert(users)
      .values({ ...user, enabled: user.status === 'active' })
      .onConflictDoNothing({ target: users.email })
      .returning({ id: users.id });
    return inserted.length > 0;
  }

  async update(executor: Executor, id: string, patch: UserPatch): Promise<UserRow | undefined> {
    const [row] = await executor
      .update(users)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(users.id, id))
      .returning();
    return row;
  }

  /** Answers the roles that were not assigned before. */
  async assignRoles(executor: Executor, userId: string, roleIds: string[]): Promise<string[]> {
    if (roleIds.length === 0) return [];
    const inserted = await executor
      .insert(userRoles)
      .values(roleIds.map((roleId) => ({ userId, roleId })))
      .onConflictDoNothing()
      .returning({ roleId: userRoles.roleId });
    return inserted.map((row) => row.roleId);
  }

  async removeRole(executor: Executor, userId: string, roleId: string): Promise<boolean> {
    const removed = await executor
      .delete(userRoles)
      .where(and(eq(userRoles.userId, userId), eq(userRoles.roleId, roleId)))
      .returning({ id: userRoles.id });
    return removed.length > 0;
  }

  async roleNames(userId: string, executor: Executor = this.db.drizzle): Promise<string[]> {
    const rows = await executor
      .select({ name: roles.name })
      .from(userRoles)
      .innerJoin(roles, eq(roles.id, userRoles.roleId))
      .where(eq(userRoles.userId, userId))
      .orderBy(asc(roles.name));
    return rows.map((row) => row.name);
  }

  /** Roles of several users at once (lists), each sorted by name. */
  async rolesOf(userIds: string[], executor: Executor = this.db.drizzle): Promise<Map<string, Role[]>> {
    const byUser = new Map<string, Role[]>(userIds.map((id) => [id, []]));
    if (userIds.length === 0) return byUser;
    const rows = await executor
      .select({ userId: userRoles.userId, id: roles.id, name: roles.name, description: roles.description })
      .from(userRoles)
      .innerJoin(roles, eq(roles.id, userRoles.roleId))
      .where(inArray(userRoles.userId, userIds))
      .orderBy(asc(roles.name));
    for (const { userId, ...role } of rows) byUser.get(userId)?.push(role);
    return byUser;
  }

  /** Which of the users have a live Telegram binding. */
  async telegramLinked(userIds: string[], executor: Executor = this.db.drizzle): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await executor
      .select({ userId: telegramBindings.userId })
      .from(telegramBindings)
      .where(and(inArray(telegramBindings.userId, userIds), isNull(telegramBindings.revokedAt)));
    return new Set(rows.map((row) => row.userId));
  }

  async list(filter: UserFilter): Promise<{ rows: UserRow[]; total: number }> {
    const conditions: SQL[] = [eq(users.technical, false)];
    if (filter.search) {
      const pattern = likePattern(filter.search);
      const match = or(ilike(users.email, pattern), ilike(users.fullName, pattern));
      if (match) conditions.push(match);
    }
    if (filter.status) conditions.push(eq(users.status, filter.status));
    if (filter.role) {
      conditions.push(
        exists(
          this.db.drizzle
            .select({ one: userRoles.id })
            .from(userRoles)
            .innerJoin(roles, eq(roles.id, userRoles.roleId))
            .where(and(eq(userRoles.userId, users.id), eq(roles.name, filter.role))),
        ),
      );
    }
    const where = and(...conditions);
    const [totalRow] = await this.db.drizzle.select({ total: count() }).from(users).where(where);
    const rows = await this.db.drizzle
      .select()
      .from(users)
      .where(where)
      .orderBy(asc(users.createdAt), asc(users.id))
      .limit(filter.limit)
      .offset(filter.offset);
    return { rows, total: Number(totalRow?.total ?? 0) };
  }

  /** Enabled people (technical users excluded), by name then email. */
  async directory(): Promise<UserRow[]> {
    return this.db.drizzle
      .select()
      .from(users)
      .where(and(eq(users.enabled, true), eq(users.technical, false)))
      .orderBy(asc(users.fullName), asc(users.email));
  }
}
