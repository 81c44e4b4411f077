import { Injectable } from '@nestjs/common';
import type { MovementDirection, ParsedPaymentsQuery } from '@polis/contracts';
import type { Executor } from '@polis/db';
import { and, asc, count, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Caller } from '../common/caller.js';
import { dealIdVisibility, policyVisibility } from '../common/visibility.js';
import {
  type MovementRow,
  type PaymentRow,
  type PolicyRow,
  paymentExpenses,
  paymentIncomes,
  paymentSequences,
  payments,
  policies,
} from '../db/schema.js';

export type PaymentRecord = PaymentRow;
export type MovementRecord = MovementRow;
export type NewPayment = Pick<
  PaymentRow,
  | 'id'
  | 'dealId'
  | 'policyId'
  | 'sequence'
  | 'plannedDate'
  | 'plannedAmount'
  | 'currency'
  | 'comment'
  | 'actualDate'
  | 'recordedById'
  | 'createdById'
  | 'updatedById'
> & { status: 'scheduled' };
export type PaymentPatch = Partial<
  Pick<
    PaymentRow,
    | 'plannedDate'
    | 'plannedAmount'
    | 'currency'
    | 'comment'
    | 'actualDate'
    | 'recordedById'
    | 'status'
    | 'updatedById'
    | 'isDeleted'
  >
>;
export type NewMovement = Pick<
  MovementRow,
  'id' | 'paymentId' | 'amount' | 'currency' | 'category' | 'postedAt' | 'note' | 'createdById' | 'updatedById'
>;
export type MovementPatch = Partial<
  Pick<MovementRow, 'amount' | 'currency' | 'category' | 'postedAt' | 'note' | 'updatedById' | 'isDeleted'>
>;

const TABLES = { incomes: paymentIncomes, expenses: paymentExpenses } as const;

/** SQL (PostgreSQL 15 and PGlite alike) for payments and their lines; every money sum is done here, exactly. */
@Injectable()
export class PaymentRepository {
  /** A live policy of that deal the caller may see; `lock` serialises writes to its payments. */
  async findPolicy(
    tx: Executor,
    caller: Caller,
    dealId: string,
    policyId: string,
    lock = false,
  ): Promise<PolicyRow | undefined> {
    const query = tx
      .select()
      .from(policies)
      .where(
        and(
          eq(policies.id, policyId),
          eq(policies.dealId, dealId),
          eq(policies.isDeleted, false),
          policyVisibility(caller),
        ),
      )
      .limit(1);
    const [row] = lock ? await query.for('update') : await query;
    return row;
  }

  /**
   * The next number of the policy's payments: a counter that only grows, so deleted numbers stay
   * used. It never falls behind payments written without it (imports, seeds).
   */
  async nextSequence(tx: Executor, policyId: string): Promise<number> {
    const [row] = await tx
      .insert(paymentSequences)
      .values({
        policyId,
        lastSequence: sql`(select coalesce(max(p.sequence), 0) + 1 from crm.payments p where p.policy_id = ${policyId})`,
      })
      .onConflictDoUpdate({
        target: paymentSequences.policyId,
        set: { lastSequence: sql`greatest(${paymentSequences.lastSequence} + 1, excluded.last_sequence)` },
      })
      .returning({ value: paymentSequences.lastSequence });
    return (row as { value: number }).value;
  }

  async insert(tx: Executor, payment: NewPayment): Promise<PaymentRecord> {
    const [row] = await tx.insert(payments).values(payment).returning();
    return row as PaymentRecord;
  }

  async find(
    tx: Executor,
    caller: Caller,
    policyId: string,
    paymentId: string,
    lock = false,
  ): Promise<PaymentRecord | undefined> {
    const query = tx
      .select()
      .from(payments)
      .where(
        and(
          eq(payments.id, paymentId),
          eq(payments.policyId, policyId),
          eq(payments.isDeleted, false),
          dealIdVisibility(caller, payments.dealId),
        ),
      )
      .limit(1);
    const [row] = lock ? await query.for('update') : await query;
    return row;
  }

  /** By sequence; the total counts every live payment that matches. */
  async list(
    tx: Executor,
    caller: Caller,
    policyId: string,
    query: ParsedPaymentsQuery,
  ): Promise<{ rows: PaymentRecord[]; total: number }> {
    const conditions: Array<SQL | undefined> = [
      eq(payments.policyId, policyId),
      eq(payments.isDeleted, false),
      dealIdVisibility(caller, payments.dealId),
    ];
    if (query.status) conditions.push(inArray(payments.status, query.status));
    const where = and(...conditions);
    const rows = await tx
      .select()
      .from(payments)
      .where(where)
      .orderBy(asc(payments.sequence))
      .limit(query.limit)
      .offset(query.offset);
    const [counted] = await tx.select({ total: count() }).from(payments).where(where);
    return { rows, total: counted?.total ?? 0 };
  }

  /** Writes fields and bumps the version; `recompute` derives the rest afterwards. */
  async update(tx: Executor, id: string, patch: PaymentPatch): Promise<PaymentRecord> {
    const [row] = await tx
      .update(payments)
      .set({ ...patch, version: sql`${payments.version} + 1`, updatedAt: new Date() })
      .where(eq(payments.id, id))
      .returning();
    return row as PaymentRecord;
  }

  /**
   * Totals = exact sums of the live lines, net = their difference; status and the automatic
   * `actual_date` follow domain.md §3.4. Cancelled is sticky; a hand-closed payment (actual_date
   * with recorded_by_id) is paid whatever its incomes; one paid through incomes takes the latest
   * income's posting date.
   */
  async recompute(tx: Executor, id: string): Promise<PaymentRecord> {
    const incomes = sql`(select coalesce(sum(i.amount), 0) from crm.payment_incomes i where i.payment_id = ${id} and not i.is_deleted)`;
    const expenses = sql`(select coalesce(sum(e.amount), 0) from crm.payment_expenses e where e.payment_id = ${id} and not e.is_deleted)`;
    const lastIncome = sql`(select max(i.posted_at) from crm.payment_incomes i where i.payment_id = ${id} and not i.is_deleted)`;
    const handClosed = sql`(${payments.recordedById} is not null and ${payments.actualDate} is not null)`;
    const [row] = await tx
      .update(payments)
      .set({
        incomesTotal: sql`${incomes}`,
        expensesTotal: sql`${expenses}`,
        netTotal: sql`${incomes} - ${expenses}`,
        status: sql`case
          when ${payments.status} = 'cancelled' then 'cancelled'
          when ${handClosed} then 'paid'
          when ${incomes} >= ${payments.plannedAmount} then 'paid'
          when ${incomes} > 0 then 'partially_paid'
          else 'scheduled' end`,
        actualDate: sql`case
          when ${payments.status} = 'cancelled' or ${handClosed} then ${payments.actualDate}
          when ${incomes} >= ${payments.plannedAmount} then ${lastIncome}
          else null end`,
      })
      .where(eq(payments.id, id))
      .returning();
    return row as PaymentRecord;
  }

  async hasLive(tx: Executor, policyId: string): Promise<boolean> {
    const rows = await tx
      .select({ id: payments.id })
      .from(payments)
      .where(and(eq(payments.policyId, policyId), eq(payments.isDeleted, false)))
      .limit(1);
    return rows.length > 0;
  }

  async hasLiveLines(tx: Executor, paymentId: string): Promise<boolean> {
    for (const table of Object.values(TABLES)) {
      const rows = await tx
        .select({ id: table.id })
        .from(table)
        .where(and(eq(table.paymentId, paymentId), eq(table.isDeleted, false)))
        .limit(1);
      if (rows.length > 0) return true;
    }
    return false;
  }

  /** Live lines of several payments in one direction, oldest posting first. */
  async lines(tx: Executor, direction: MovementDirection, paymentIds: readonly string[]): Promise<MovementRecord[]> {
    if (paymentIds.length === 0) return [];
    const table = TABLES[direction];
    return tx
      .select()
      .from(table)
      .where(and(inArray(table.paymentId, [...paymentIds]), eq(table.isDeleted, false)))
      .orderBy(asc(table.postedAt), asc(table.createdAt), asc(table.id));
  }

  async findLine(
    tx: Executor,
    direction: MovementDirection,
    paymentId: string,
    id: string,
  ): Promise<MovementRecord | undefined> {
    const table = TABLES[direction];
    const [row] = await tx
      .select()
      .from(table)
      .where(and(eq(table.id, id), eq(table.paymentId, paymentId), eq(table.isDeleted, false)))
      .limit(1)
      .for('update');
    return row;
  }

  async insertLine(tx: Executor, direction: MovementDirection, line: NewMovement): Promise<MovementRecord> {
    const [row] = await tx.insert(TABLES[direction]).values(line).returning();
    return row as MovementRecord;
  }

  async updateLine(
    tx: Executor,
    direction: MovementDirection,
    id: string,
    patch: MovementPatch,
  ): Promise<MovementRecord> {
    const table = TABLES[direction];
    const [row] = await tx
      .update(table)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(table.id, id))
      .returning();
    return row as MovementRecord;
  }
}
