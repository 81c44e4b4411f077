import { Injectable } from '@nestjs/common';
import { type DealStatus, NO_MANAGER, type ParsedStageMetricsQuery, STAGE_TO_STATUS } from '@polis/contracts';
import type { Executor } from '@polis/db';
import { addDays } from '@polis/platform';
import { and, asc, eq, inArray, isNull, lte, ne, or, type SQL, sql } from 'drizzle-orm';
import type { Caller } from '../common/caller.js';
import { CURSOR_PATTERNS, decodeCursor, encodeCursor } from '../common/cursor.js';
import { exactTimestamp, fullTextMatch } from '../common/sql.js';
import { dealVisibility } from '../common/visibility.js';
import { dealParticipants, deals } from '../db/schema.js';

const dealColumns = {
  id: deals.id,
  clientId: deals.clientId,
  ownerId: deals.ownerId,
  title: deals.title,
  description: deals.description,
  status: deals.status,
  nextReviewAt: deals.nextReviewAt,
  version: deals.version,
  isDeleted: deals.isDeleted,
  createdAt: deals.createdAt,
  updatedAt: deals.updatedAt,
};
export type DealRecord = { [K in keyof typeof dealColumns]: (typeof deals.$inferSelect)[K] };
export type NewDeal = Omit<DealRecord, 'version' | 'isDeleted' | 'createdAt' | 'updatedAt'>;
export type DealPatch = Partial<
  Pick<DealRecord, 'title' | 'description' | 'status' | 'nextReviewAt' | 'ownerId' | 'isDeleted'>
>;

/** The filters the deal list and the stage metrics share. */
export type DealFilters = ParsedStageMetricsQuery;

const DEAL_CURSOR = [CURSOR_PATTERNS.date, CURSOR_PATTERNS.timestamp, CURSOR_PATTERNS.uuid] as const;
const PERIOD_DAYS = { '7d': 7, '30d': 30, '90d': 90 } as const;

export interface StatusCount {
  status: DealStatus;
  count: number;
  /** Σ planned amounts of the live, not cancelled payments of those deals. */
  totalValue: string;
  avgCycleDays: number | null;
}

@Injectable()
export class DealRepository {
  async insert(tx: Executor, deal: NewDeal): Promise<DealRecord> {
    const [row] = await tx.insert(deals).values(deal).returning(dealColumns);
    return row as DealRecord;
  }

  /**
   * A live deal the caller may see, with whether the caller is on its team; `lock` takes a row
   * lock for a read-modify-write. (Correlated subqueries in the select list spell the outer table
   * out: drizzle leaves select-list columns unqualified.)
   */
  async findVisible(
    tx: Executor,
    caller: Caller,
    id: string,
    lock = false,
  ): Promise<(DealRecord & { isParticipant: boolean }) | undefined> {
    const participant =
      caller.userId === null
        ? sql<boolean>`false`
        : sql<boolean>`exists (select 1 from crm.deal_participants mp where mp.deal_id = "deals"."id" and mp.user_id = ${caller.userId})`;
    const query = tx
      .select({ ...dealColumns, isParticipant: participant })
      .from(deals)
      .where(and(eq(deals.id, id), eq(deals.isDeleted, false), dealVisibility(caller)))
      .limit(1);
    const [row] = lock ? await query.for('update') : await query;
    return row;
  }

  /** Which of these deals the caller may see now, deleted ones included (they learn of the deletion). */
  async visibleIds(tx: Executor, caller: Caller, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await tx
      .select({ id: deals.id })
      .from(deals)
      .where(and(inArray(deals.id, ids), dealVisibility(caller)));
    return new Set(rows.map((row) => row.id));
  }

  async update(tx: Executor, id: string, patch: DealPatch): Promise<DealRecord> {
    const [row] = await tx
      .update(deals)
      .set({ ...patch, version: sql`${deals.version} + 1`, updatedAt: new Date() })
      .where(eq(deals.id, id))
      .returning(dealColumns);
    return row as DealRecord;
  }

  /**
   * Ordered by next review, then last update (domain.md §2.3); keyset pages. For non-admins the
   * visible deals are the owned ones plus those of their teams: two branches, each read in list
   * order from its own index and cut at the page size, then merged. One query with `owner = me OR
   * member` would walk the whole list order and test every deal of every other seller.
   */
  async list(
    tx: Executor,
    caller: Caller,
    filters: DealFilters,
    page: { limit: number; cursor?: string | undefined },
    today: string,
  ): Promise<{ rows: DealRecord[]; nextCursor: string | null }> {
    const conditions = this.conditions(caller, filters, today, false);
    if (page.cursor) {
      const [nextReviewAt, updatedAt, id] = decodeCursor(page.cursor, DEAL_CURSOR) as [string, string, string];
      conditions.push(
        sql`(${deals.nextReviewAt}, ${deals.updatedAt}, ${deals.id}) > (${nextReviewAt}::date, ${updatedAt}::timestamptz, ${id}::uuid)`,
      );
    }
    const fields = { ...dealColumns, cursorUpdatedAt: exactTimestamp(deals.updatedAt) };
    const order = [asc(deals.nextReviewAt), asc(deals.updatedAt), asc(deals.id)];
    const size = page.limit + 1;
    const branch = (visible: SQL | undefined) =>
      tx
        .select(fields)
        .from(deals)
        .where(and(...conditions, visible))
        .orderBy(...order)
        .limit(size);
    let rows: Array<DealRecord & { cursorUpdatedAt: string }>;
    if (caller.isAdmin) {
      rows = await branch(undefined);
    } else if (caller.userId === null) {
      rows = [];
    } else {
      const userId = caller.userId;
      const owned = branch(eq(deals.ownerId, userId));
      const shared = branch(
        and(
          inArray(
            deals.id,
            tx
              .select({ id: dealParticipants.dealId })
              .from(dealParticipants)
              .where(eq(dealParticipants.userId, userId)),
          ),
          or(isNull(deals.ownerId), ne(deals.ownerId, userId)),
        ),
      );
      rows = await owned
        .unionAll(shared)
        .orderBy(...order)
        .limit(size);
    }
    const items = rows.slice(0, page.limit);
    const last = items.at(-1);
    const nextCursor =
      rows.length > page.limit && last ? encodeCursor([last.nextReviewAt, last.cursorUpdatedAt, last.id]) : null;
    return { rows: items.map(({ cursorUpdatedAt: _cursor, ...deal }) => deal), nextCursor };
  }

  /** Count and mean cycle (updated − created, days) per stored status, same filters as the list. */
  async countByStatus(tx: Executor, caller: Caller, filters: DealFilters, today: string): Promise<StatusCount[]> {
    const rows = await tx
      .select({
        status: deals.status,
        count: sql<number>`count(*)::int`,
        avgCycleDays: sql<
          string | null
        >`avg(extract(epoch from (${deals.updatedAt} - ${deals.createdAt})) / 86400.0)::text`,
        // Money per stage: planned amounts of the deals' live payments that are not cancelled (invariant 26).
        totalValue: sql<string>`round(coalesce(sum((select sum(p.planned_amount) from crm.payments p
          where p.deal_id = crm.deals.id and not p.is_deleted and p.status <> 'cancelled')), 0), 2)::text`,
      })
      .from(deals)
      .where(and(...this.conditions(caller, filters, today)))
      .groupBy(deals.status);
    return rows.map((row) => ({
      status: row.status,
      count: Number(row.count),
      totalValue: row.totalValue,
      avgCycleDays: row.avgCycleDays === null ? null : Number(row.avgCycleDays),
    }));
  }

  /** The filters as conditions; `visible` adds the visibility rule (the list builds its own). */
  private conditions(caller: Caller, filters: DealFilters, today: string, visible = true): Array<SQL | undefined> {
    const conditions: Array<SQL | undefined> = [eq(deals.isDeleted, false)];
    if (visible) conditions.push(dealVisibility(caller));
    const stages = filters.stage?.filter((stage) => stage !== 'all');
    if (stages && stages.length > 0 && stages.length === filters.stage?.length) {
      conditions.push(
        inArray(
          deals.status,
          stages.map((stage) => STAGE_TO_STATUS[stage]),
        ),
      );
    }
    if (filters.status) conditions.push(inArray(deals.status, filters.status));
    if (filters.manager) {
      const ids = filters.manager.filter((manager) => manager !== NO_MANAGER);
      const byManager: SQL[] = [];
      if (ids.length > 0) byManager.push(inArray(deals.ownerId, ids));
      if (ids.length < filters.manager.length) byManager.push(isNull(deals.ownerId));
      conditions.push(or(...byManager));
    }
    // Only the future is bounded: overdue deals (before today) always stay in the list.
    if (filters.period && filters.period !== 'all') {
      conditions.push(lte(deals.nextReviewAt, addDays(today, PERIOD_DAYS[filters.period])));
    }
    if (filters.search) conditions.push(fullTextMatch(deals.searchVector, filters.search));
    if (filters.clientId) conditions.push(eq(deals.clientId, filters.clientId));
    return conditions;
  }
}
