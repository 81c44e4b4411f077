import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { ParsedTasksQuery, TaskActivityType } from '@polis/contracts';
import { type Executor, queryRows } from '@polis/db';
import { and, asc, eq, gt, inArray, lt, type SQL, sql } from 'drizzle-orm';
import type { Caller } from '../common/caller.js';
import {
  crmDealMembers,
  crmDeals,
  type ReminderRow,
  type TaskActivityRow,
  type TaskRow,
  taskActivity,
  taskReminders,
  tasks,
} from '../db/schema.js';

export type TaskFilters = Omit<ParsedTasksQuery, 'limit' | 'offset'>;

/**
 * The visibility rule of the row-level security policy, applied again in every query (defence in
 * depth): assignee, author, the deal's team (owner and participants), admins. `undefined` = all.
 */
export function taskVisibility(caller: Caller): SQL | undefined {
  if (caller.isAdmin) return undefined;
  if (caller.userId === null) return sql`false`;
  const me = caller.userId;
  return sql`(${tasks.assigneeId} = ${me} or ${tasks.authorId} = ${me} or (${tasks.dealId} is not null and (
    exists (select 1 from ${crmDeals} d where d.deal_id = ${tasks.dealId} and not d.is_deleted and d.owner_id = ${me})
    or exists (select 1 from ${crmDealMembers} m join ${crmDeals} d on d.deal_id = m.deal_id and not d.is_deleted
               where m.deal_id = ${tasks.dealId} and m.user_id = ${me}))))`;
}

export function filterConditions(filters: TaskFilters): SQL[] {
  const conditions: SQL[] = [];
  if (filters.assigneeId) conditions.push(eq(tasks.assigneeId, filters.assigneeId));
  if (filters.authorId) conditions.push(eq(tasks.authorId, filters.authorId));
  if (filters.dealId) conditions.push(eq(tasks.dealId, filters.dealId));
  if (filters.status) conditions.push(inArray(tasks.statusCode, filters.status));
  if (filters.priority) conditions.push(inArray(tasks.priority, filters.priority));
  if (filters.dueBefore) conditions.push(lt(tasks.dueAt, new Date(filters.dueBefore)));
  if (filters.dueAfter) conditions.push(gt(tasks.dueAt, new Date(filters.dueAfter)));
  return conditions;
}

export interface NewActivity {
  taskId: string;
  authorId: string | null;
  eventType: TaskActivityType;
  body?: string | null;
  payload?: Record<string, unknown>;
}

@Injectable()
export class TaskRepository {
  async insert(tx: Executor, row: typeof tasks.$inferInsert): Promise<TaskRow> {
    const [created] = await tx.insert(tasks).values(row).returning();
    return created as TaskRow;
  }

  /** Inserts a generated task unless its rule key exists; null for a duplicate. */
  async insertOnce(tx: Executor, row: typeof tasks.$inferInsert): Promise<TaskRow | null> {
    const [created] = await tx.insert(tasks).values(row).onConflictDoNothing({ target: tasks.ruleKey }).returning();
    return created ?? null;
  }

  async findVisible(tx: Executor, caller: Caller, id: string, lock = false): Promise<TaskRow | undefined> {
    const query = tx
      .select()
      .from(tasks)
      .where(and(eq(tasks.id, id), taskVisibility(caller)));
    const [row] = lock ? await query.for('update') : await query;
    return row;
  }

  list(tx: Executor, caller: Caller, filters: TaskFilters, limit: number, offset: number): Promise<TaskRow[]> {
    return tx
      .select()
      .from(tasks)
      .where(and(taskVisibility(caller), ...filterConditions(filters)))
      .orderBy(sql`${tasks.dueAt} asc nulls last`, asc(tasks.createdAt), asc(tasks.id))
      .limit(limit)
      .offset(offset);
  }

  /** Ids among `ids` the caller may see (the SSE filter). */
  async visibleIds(tx: Executor, caller: Caller, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await tx
      .select({ id: tasks.id })
      .from(tasks)
      .where(and(inArray(tasks.id, ids), taskVisibility(caller)));
    return new Set(rows.map((row) => row.id));
  }

  async update(tx: Executor, id: string, patch: Partial<typeof tasks.$inferInsert>): Promise<TaskRow> {
    const [row] = await tx
      .update(tasks)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(eq(tasks.id, id))
      .returning();
    return row as TaskRow;
  }

  async addActivity(tx: Executor, entries: NewActivity[]): Promise<TaskActivityRow[]> {
    if (entries.length === 0) return [];
    return tx
      .insert(taskActivity)
      .values(
        entries.map((entry) => ({
          id: randomUUID(),
          taskId: entry.taskId,
          authorId: entry.authorId,
          eventType: entry.eventType,
          body: entry.body ?? null,
          payload: entry.payload ?? {},
        })),
      )
      .returning();
  }

  activity(tx: Executor, taskId: string, onlyComments: boolean): Promise<TaskActivityRow[]> {
    return tx
      .select()
      .from(taskActivity)
      .where(and(eq(taskActivity.taskId, taskId), onlyComments ? eq(taskActivity.eventType, 'comment') : undefined))
      .orderBy(asc(taskActivity.seq));
  }

  async insertReminders(tx: Executor, rows: Array<typeof taskReminders.$inferInsert>): Promise<ReminderRow[]> {
    if (rows.length === 0) return [];
    return tx.insert(taskReminders).values(rows).onConflictDoNothing().returning();
  }

  reminders(tx: Executor, taskId: string): Promise<ReminderRow[]> {
    return tx
      .select()
      .from(taskReminders)
      .where(eq(taskReminders.taskId, taskId))
      .orderBy(asc(taskReminders.remindAt), asc(taskReminders.channel));
  }

  async deleteReminder(tx: Executor, taskId: string, reminderId: string): Promise<ReminderRow | undefined> {
    const [row] = await tx
      .delete(taskReminders)
      .where(and(eq(taskReminders.id, reminderId), eq(taskReminders.taskId, taskId)))
      .returning();
    return row;
  }

  /** Whether the user is the deal's owner or on its team, as the projection knows it. */
  async onDealTeam(tx: Executor, dealId: string, userId: string): Promise<boolean> {
    const [row] = await queryRows<{ found: boolean }>(
      tx,
      sql`select (exists (select 1 from ${crmDeals} where deal_id = ${dealId} and owner_id = ${userId})
              or exists (select 1 from ${crmDealMembers} where deal_id = ${dealId} and user_id = ${userId})) as found`,
    );
    return row?.found === true;
  }
}
