import { Injectable } from '@nestjs/common';
import type { CalculationStatus, ParsedCalculationsQuery } from '@polis/contracts';
import type { Executor } from '@polis/db';
import { and, asc, count, desc, eq, gte, ilike, inArray, lte, ne, type SQL, sql } from 'drizzle-orm';
import type { Caller } from '../common/caller.js';
import { CURSOR_PATTERNS, decodeCursor, encodeCursor } from '../common/cursor.js';
import { exactTimestamp, likePattern } from '../common/sql.js';
import { dealIdVisibility } from '../common/visibility.js';
import { calculations } from '../db/schema.js';

/**
 * The live policy issued from (or linked to) a quote. The outer table is spelled out: drizzle
 * leaves select-list columns unqualified, which a correlated subquery would resolve to itself.
 */
const linkedPolicyId = sql<
  string | null
>`(select lp.id from crm.policies lp where lp.calculation_id = "calculations"."id" and not lp.is_deleted limit 1)`;

const calculationColumns = {
  id: calculations.id,
  dealId: calculations.dealId,
  ownerId: calculations.ownerId,
  insuranceCompany: calculations.insuranceCompany,
  programName: calculations.programName,
  premiumAmount: calculations.premiumAmount,
  coverageSum: calculations.coverageSum,
  calculationDate: calculations.calculationDate,
  validityPeriod: calculations.validityPeriod,
  status: calculations.status,
  files: calculations.files,
  comments: calculations.comments,
  version: calculations.version,
  isDeleted: calculations.isDeleted,
  createdAt: calculations.createdAt,
  updatedAt: calculations.updatedAt,
};
type CalculationColumns = { [K in keyof typeof calculationColumns]: (typeof calculations.$inferSelect)[K] };
export type CalculationRecord = CalculationColumns & { linkedPolicyId: string | null };
export type NewCalculation = Omit<CalculationColumns, 'version' | 'isDeleted' | 'createdAt' | 'updatedAt'>;
export type CalculationPatch = Partial<
  Pick<
    CalculationColumns,
    | 'insuranceCompany'
    | 'programName'
    | 'premiumAmount'
    | 'coverageSum'
    | 'calculationDate'
    | 'validityPeriod'
    | 'status'
    | 'files'
    | 'comments'
    | 'ownerId'
    | 'isDeleted'
  >
>;

const CALCULATION_CURSOR = [CURSOR_PATTERNS.timestamp, CURSOR_PATTERNS.timestamp, CURSOR_PATTERNS.uuid] as const;

@Injectable()
export class CalculationRepository {
  async insert(tx: Executor, calculation: NewCalculation): Promise<CalculationRecord> {
    const [row] = await tx.insert(calculations).values(calculation).returning(calculationColumns);
    return { ...(row as CalculationColumns), linkedPolicyId: null };
  }

  /** A live quote of a visible deal; `lock` takes a row lock for a read-modify-write. */
  async findVisible(
    tx: Executor,
    caller: Caller,
    dealId: string,
    id: string,
    lock = false,
  ): Promise<CalculationRecord | undefined> {
    const query = tx
      .select({ ...calculationColumns, linkedPolicyId })
      .from(calculations)
      .where(
        and(
          eq(calculations.id, id),
          eq(calculations.dealId, dealId),
          eq(calculations.isDeleted, false),
          dealIdVisibility(caller, calculations.dealId),
        ),
      )
      .limit(1);
    const [row] = lock ? await query.for('update') : await query;
    return row;
  }

  async update(tx: Executor, id: string, patch: CalculationPatch): Promise<CalculationRecord> {
    const [row] = await tx
      .update(calculations)
      .set({ ...patch, version: sql`${calculations.version} + 1`, updatedAt: new Date() })
      .where(eq(calculations.id, id))
      .returning({ ...calculationColumns, linkedPolicyId });
    return row as CalculationRecord;
  }

  /** Newest update first, then newest created (interfaces.md §1.2); keyset pages. */
  async list(
    tx: Executor,
    caller: Caller,
    dealId: string,
    query: ParsedCalculationsQuery,
  ): Promise<{ rows: CalculationRecord[]; nextCursor: string | null }> {
    const conditions: Array<SQL | undefined> = [
      eq(calculations.dealId, dealId),
      eq(calculations.isDeleted, false),
      dealIdVisibility(caller, calculations.dealId),
    ];
    if (query.status) conditions.push(inArray(calculations.status, query.status));
    if (query.insuranceCompany)
      conditions.push(ilike(calculations.insuranceCompany, likePattern(query.insuranceCompany)));
    if (query.calculationDateFrom) conditions.push(gte(calculations.calculationDate, query.calculationDateFrom));
    if (query.calculationDateTo) conditions.push(lte(calculations.calculationDate, query.calculationDateTo));
    if (query.cursor) {
      const [updatedAt, createdAt, id] = decodeCursor(query.cursor, CALCULATION_CURSOR) as [string, string, string];
      conditions.push(
        sql`(${calculations.updatedAt}, ${calculations.createdAt}, ${calculations.id}) < (${updatedAt}::timestamptz, ${createdAt}::timestamptz, ${id}::uuid)`,
      );
    }
    const rows = await tx
      .select({
        ...calculationColumns,
        linkedPolicyId,
        cursorUpdatedAt: exactTimestamp(calculations.updatedAt),
        cursorCreatedAt: exactTimestamp(calculations.createdAt),
      })
      .from(calculations)
      .where(and(...conditions))
      .orderBy(desc(calculations.updatedAt), desc(calculations.createdAt), desc(calculations.id))
      .limit(query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const nextCursor =
      rows.length > query.limit && last ? encodeCursor([last.cursorUpdatedAt, last.cursorCreatedAt, last.id]) : null;
    return { rows: page.map(({ cursorUpdatedAt: _u, cursorCreatedAt: _c, ...row }) => row), nextCursor };
  }

  /** Live, non-archived quotes of a deal, cheapest premium first (no premium last). */
  async forComparison(tx: Executor, caller: Caller, dealId: string): Promise<CalculationRecord[]> {
    return tx
      .select({ ...calculationColumns, linkedPolicyId })
      .from(calculations)
      .where(
        and(
          eq(calculations.dealId, dealId),
          eq(calculations.isDeleted, false),
          ne(calculations.status, 'archived'),
          dealIdVisibility(caller, calculations.dealId),
        ),
      )
      .orderBy(
        sql`${calculations.premiumAmount} asc nulls last`,
        asc(calculations.insuranceCompany),
        asc(calculations.id),
      );
  }

  async countLive(tx: Executor, dealId: string, statuses: CalculationStatus[]): Promise<number> {
    const [row] = await tx
      .select({ n: count() })
      .from(calculations)
      .where(
        and(eq(calculations.dealId, dealId), eq(calculations.isDeleted, false), inArray(calculations.status, statuses)),
      );
    return Number(row?.n ?? 0);
  }
}
