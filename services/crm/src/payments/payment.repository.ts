import { Injectable } from '@nestjs/common';
import {
  BONUS_INCOME_CATEGORY,
  COLLEAGUE_PAYOUT_CATEGORY,
  COMMISSION_INCOME_CATEGORY,
  type MovementDirection,
  type ParsedPaymentsQuery,
  PREMIUM_INCOME_CATEGORIES,
} from '@polis/contracts';
import { type Executor, queryRows } from '@polis/db';
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

export const TABLES = { incomes: paymentIncomes, expenses: paymentExpenses } as const;

/** The sums of a policy's cash-flow summary, as decimal strings computed by PostgreSQL. */
export interface CashFlowSums {
  premiumDue: string;
  premiumPaid: string;
  commissionExpected: string | null;
  commissionReceived: string;
  bonusReceived: string;
  otherIncome: string;
  incomesTotal: string;
  expensesTotal: string;
  net: string;
  payouts: Array<{ category: string; amount: string }>;
}

/** Commission received on one payment and what colleagues already got of it. */
export interface CommissionSums {
  received: string;
  split: string;
}

const textArray = (values: readonly string[]) =>
  sql`array[${sql.join(
    values.map((value) => sql`${value}`),
    sql`, `,
  )}]::text[]`;

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
    const [row] = await this.recomputeAll(tx, [id]);
    if (!row) throw new Error(`payment ${id} vanished while its totals were recomputed`);
    return row;
  }

  /**
   * `recompute` for many payments in one statement (an import touches hundreds); `touchedBy`
   * also bumps their version and records who changed them.
   */
  async recomputeAll(tx: Executor, ids: readonly string[], touchedBy?: string | null): Promise<PaymentRecord[]> {
    if (ids.length === 0) return [];
    const handClosed = sql`(p.recorded_by_id is not null and p.actual_date is not null)`;
    const touch =
      touchedBy === undefined
        ? sql``
        : sql`version = p.version + 1, updated_at = now(), updated_by_id = ${touchedBy}::uuid,`;
    // Each payment's line sums are read once and used by every derived column.
    await tx.execute(
      sql`with touched as (select distinct unnest(${sql`array[${sql.join(
        ids.map((id) => sql`${id}`),
        sql`, `,
      )}]::uuid[]`}) as id),
          incomes as (
            select i.payment_id, sum(i.amount) as total, max(i.posted_at) as last_posted from crm.payment_incomes i
            where i.payment_id in (select id from touched) and not i.is_deleted group by i.payment_id
          ),
          expenses as (
            select e.payment_id, sum(e.amount) as total from crm.payment_expenses e
            where e.payment_id in (select id from touched) and not e.is_deleted group by e.payment_id
          ),
          sums as (
            select t.id, coalesce(i.total, 0) as incomes, coalesce(e.total, 0) as expenses, i.last_posted
            from touched t left join incomes i on i.payment_id = t.id left join expenses e on e.payment_id = t.id
          )
          update crm.payments p set ${touch}
            incomes_total = sums.incomes,
            expenses_total = sums.expenses,
            net_total = sums.incomes - sums.expenses,
            status = case
              when p.status = 'cancelled' then 'cancelled'
              when ${handClosed} then 'paid'
              when sums.incomes >= p.planned_amount then 'paid'
              when sums.incomes > 0 then 'partially_paid'
              else 'scheduled' end,
            actual_date = case
              when p.status = 'cancelled' or ${handClosed} then p.actual_date
              when sums.incomes >= p.planned_amount then sums.last_posted
              else null end
          from sums
          where p.id = sums.id`,
    );
    return tx
      .select()
      .from(payments)
      .where(inArray(payments.id, [...ids]));
  }

  /**
   * The money of a policy in one statement: planned amounts of its live payments that are not
   * cancelled, and its live lines by category (cancelled payments keep their lines: the money did
   * move). Expected commission = premium × rate / 100, rounded half-up to the kopeck by `round`.
   */
  async cashFlow(tx: Executor, policy: PolicyRow): Promise<CashFlowSums> {
    const premiumCategories = textArray(PREMIUM_INCOME_CATEGORIES);
    const special = textArray([...PREMIUM_INCOME_CATEGORIES, COMMISSION_INCOME_CATEGORY, BONUS_INCOME_CATEGORY]);
    const [row] = await queryRows<CashFlowSums>(
      tx,
      sql`with live as (
            select p.id, p.planned_amount, p.status from crm.payments p
            where p.policy_id = ${policy.id} and not p.is_deleted
          ),
          incomes as (
            select i.category, i.amount from crm.payment_incomes i join live on live.id = i.payment_id
            where not i.is_deleted
          ),
          expenses as (
            select e.category, sum(e.amount) as amount from crm.payment_expenses e join live on live.id = e.payment_id
            where not e.is_deleted group by e.category
          ),
          sums as (
            select
              (select coalesce(sum(planned_amount), 0) from live where status <> 'cancelled') as premium_due,
              (select coalesce(sum(amount), 0) from incomes where category = any(${premiumCategories})) as premium_paid,
              (select coalesce(sum(amount), 0) from incomes where category = ${COMMISSION_INCOME_CATEGORY}) as commission,
              (select coalesce(sum(amount), 0) from incomes where category = ${BONUS_INCOME_CATEGORY}) as bonus,
              (select coalesce(sum(amount), 0) from incomes where category <> all(${special})) as other,
              (select coalesce(sum(amount), 0) from incomes) as incomes_total,
              (select coalesce(sum(amount), 0) from expenses) as expenses_total
          )
          select
            round(premium_due, 2)::text as "premiumDue",
            round(premium_paid, 2)::text as "premiumPaid",
            round(${policy.premium}::numeric * ${policy.commissionRate}::numeric / 100, 2)::text as "commissionExpected",
            round(commission, 2)::text as "commissionReceived",
            round(bonus, 2)::text as "bonusReceived",
            round(other, 2)::text as "otherIncome",
            round(incomes_total, 2)::text as "incomesTotal",
            round(expenses_total, 2)::text as "expensesTotal",
            round(incomes_total - expenses_total, 2)::text as "net",
            coalesce((select json_agg(json_build_object('category', category, 'amount', round(amount, 2)::text)
                        order by amount desc, category) from expenses), '[]'::json) as "payouts"
          from sums`,
    );
    return row as CashFlowSums;
  }

  /** Live `commission` incomes of a payment and its live `colleague_payout` expenses. */
  async commissionOf(tx: Executor, paymentId: string): Promise<CommissionSums> {
    const [row] = await queryRows<CommissionSums>(
      tx,
      sql`select
            round(coalesce((select sum(i.amount) from crm.payment_incomes i
              where i.payment_id = ${paymentId} and not i.is_deleted and i.category = ${COMMISSION_INCOME_CATEGORY}), 0), 2)::text as "received",
            round(coalesce((select sum(e.amount) from crm.payment_expenses e
              where e.payment_id = ${paymentId} and not e.is_deleted and e.category = ${COLLEAGUE_PAYOUT_CATEGORY}), 0), 2)::text as "split"`,
    );
    return row as CommissionSums;
  }

  /**
   * Several lines of one direction in one statement. The rows travel as one JSON parameter that
   * PostgreSQL unpacks, far cheaper than binding nine parameters per row for hundreds of rows.
   */
  async insertLines(tx: Executor, direction: MovementDirection, lines: NewMovement[]): Promise<MovementRecord[]> {
    if (lines.length === 0) return [];
    const rows = await queryRows<
      Omit<MovementRecord, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string }
    >(
      tx,
      sql`insert into ${TABLES[direction]} (id, payment_id, amount, currency, category, posted_at, note, created_by_id, updated_by_id)
          select r.id, r."paymentId", r.amount, r.currency, r.category, r."postedAt", r.note, r."createdById", r."updatedById"
          from jsonb_to_recordset(${JSON.stringify(lines)}::jsonb) as r(id uuid, "paymentId" uuid, amount numeric,
            currency text, category text, "postedAt" date, note text, "createdById" uuid, "updatedById" uuid)
          returning id, payment_id as "paymentId", amount::text as amount, currency, category,
            posted_at::text as "postedAt", note, created_by_id as "createdById", updated_by_id as "updatedById",
            is_deleted as "isDeleted", ${sql.raw(`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`)} as "createdAt",
            ${sql.raw(`to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`)} as "updatedAt"`,
    );
    return rows.map((row) => ({ ...row, createdAt: new Date(row.createdAt), updatedAt: new Date(row.updatedAt) }));
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
