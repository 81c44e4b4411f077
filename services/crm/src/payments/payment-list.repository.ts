import { Injectable } from '@nestjs/common';
import type { ParsedAllPaymentsQuery } from '@polis/contracts';
import type { Executor } from '@polis/db';
import { and, asc, eq, gte, inArray, lte, type SQL, sql } from 'drizzle-orm';
import type { Caller } from '../common/caller.js';
import { CURSOR_PATTERNS } from '../common/cursor.js';
import { dealIdVisibility } from '../common/visibility.js';
import { type PaymentRow, payments, policies } from '../db/schema.js';

export type PaymentFilters = Omit<ParsedAllPaymentsQuery, 'limit' | 'cursor'>;

/** A payment of the list with its policy number and its sort key. */
export interface PaymentListRow {
  payment: PaymentRow;
  policyNumber: string;
  orderDate: string;
}

/** Payments without a planned date sort after every dated one. */
const orderDate = sql<string>`coalesce(${payments.plannedDate}, date '9999-12-31')`;
export const PAYMENT_LIST_CURSOR = [CURSOR_PATTERNS.date, CURSOR_PATTERNS.uuid] as const;

/** Every payment the caller may see, across policies: the payments list and its export. */
@Injectable()
export class PaymentListRepository {
  /** One keyset page in (planned date, id) order after `after`. */
  async page(
    tx: Executor,
    caller: Caller,
    filters: PaymentFilters,
    limit: number,
    after?: readonly [string, string],
  ): Promise<PaymentListRow[]> {
    const conditions: Array<SQL | undefined> = [
      eq(payments.isDeleted, false),
      dealIdVisibility(caller, payments.dealId),
    ];
    if (filters.status) conditions.push(inArray(payments.status, filters.status));
    if (filters.dealId) conditions.push(eq(payments.dealId, filters.dealId));
    if (filters.policyId) conditions.push(eq(payments.policyId, filters.policyId));
    if (filters.plannedFrom) conditions.push(gte(payments.plannedDate, filters.plannedFrom));
    if (filters.plannedTo) conditions.push(lte(payments.plannedDate, filters.plannedTo));
    if (filters.paidFrom) conditions.push(gte(payments.actualDate, filters.paidFrom));
    if (filters.paidTo) conditions.push(lte(payments.actualDate, filters.paidTo));
    if (after) conditions.push(sql`(${orderDate}, ${payments.id}) > (${after[0]}::date, ${after[1]}::uuid)`);
    const rows = await tx
      .select({ payment: payments, policyNumber: policies.policyNumber, orderDate: sql<string>`${orderDate}::text` })
      .from(payments)
      .innerJoin(policies, eq(policies.id, payments.policyId))
      .where(and(...conditions))
      .orderBy(asc(orderDate), asc(payments.id))
      .limit(limit);
    return rows;
  }
}
