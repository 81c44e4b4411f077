import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type {
  CreatePaymentRequest,
  Movement,
  MovementDirection,
  ParsedPaymentQuery,
  ParsedPaymentsQuery,
  Payment,
  PaymentScheduleRequest,
  PaymentsPage,
  UpdateMovementRequest,
  UpdatePaymentRequest,
} from '@polis/contracts';
import {
  COLLEAGUE_PAYOUT_CATEGORY,
  type CommissionSplitRequest,
  type CommissionSplitResult,
  type CreateMovementRequest,
  type PolicyCashFlow,
} from '@polis/contracts';
import { isNumericOverflow, type Tx } from '@polis/db';
import { type Clock, Conflict, Invalid, NotFound } from '@polis/platform';
import type { Caller } from '../common/caller.js';
import { CrmDb } from '../common/crm-db.js';
import { assertVersion, forbidden, policyNotFound } from '../common/errors.js';
import { CLOCK } from '../crm.tokens.js';
import { type CrmEvent, CrmEvents } from '../events/crm.events.js';
import { splitByAmount, splitByPercent } from './commission-split.js';
import { installmentSchedule } from './installment-schedule.js';
import { fromKopecks, toKopecks } from './money.js';
import {
  type MovementPatch,
  type MovementRecord,
  type PaymentPatch,
  type PaymentRecord,
  PaymentRepository,
} from './payment.repository.js';
import { lineEventFields, paymentSummary, toMovement, toPayment, toPaymentData } from './payment.view.js';

const SUPPORTED_CURRENCY = 'RUB';

export const paymentNotFound = () => new NotFound('The payment does not exist.', 'payment_not_found');
const lineNotFound = (direction: MovementDirection) =>
  direction === 'incomes'
    ? new NotFound('The income does not exist.', 'income_not_found')
    : new NotFound('The expense does not exist.', 'expense_not_found');
const paymentCancelled = () =>
  new Conflict('A cancelled payment and its lines do not change.', 'payment_cancelled', {
    details: { current: 'cancelled' },
  });
const hasTransactions = (what: string) =>
  new Conflict(`${what} while the payment has live income or expense lines.`, 'payment_has_transactions');

function assertCurrency(currency: string): void {
  if (currency !== SUPPORTED_CURRENCY) {
    throw new Invalid('Only RUB is supported.', 'unsupported_currency', {
      errors: [{ field: 'currency', message: 'must be RUB' }],
    });
  }
}

/** Line keys of the events: `deal.payment.income.*` / `deal.payment.expense.*`. */
const LINE_KEYS = {
  incomes: {
    created: 'deal.payment.income.created',
    updated: 'deal.payment.income.updated',
    deleted: 'deal.payment.income.deleted',
  },
  expenses: {
    created: 'deal.payment.expense.created',
    updated: 'deal.payment.expense.updated',
    deleted: 'deal.payment.expense.deleted',
  },
} as const;

/**
 * Payments of a deal's policies and their income / expense lines (domain.md §2.8–2.9, §3.4).
 * Whoever sees the deal edits them; only administrators cancel. Totals, status and the automatic
 * closing date are derived in SQL in the transaction of every change, and every change publishes
 * the payment's full state with `deal.payment.updated` and a `deal.updated` for the deals stream.
 */
@Injectable()
export class PaymentService {
  constructor(
    private readonly db: CrmDb,
    private readonly payments: PaymentRepository,
    private readonly events: CrmEvents,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(caller: Caller, dealId: string, policyId: string, query: ParsedPaymentsQuery): Promise<PaymentsPage> {
    return this.db.read(caller, async (tx) => {
      await this.policyOf(tx, caller, dealId, policyId);
      const { rows, total } = await this.payments.list(tx, caller, policyId, query);
      const items = await this.withLines(tx, rows, query.include ?? []);
      return { items, total };
    });
  }

  async get(
    caller: Caller,
    dealId: string,
    policyId: string,
    paymentId: string,
    query: ParsedPaymentQuery,
  ): Promise<Payment> {
    return this.db.read(caller, async (tx) => {
      const row = await this.paymentOf(tx, caller, dealId, policyId, paymentId);
      const [payment] = await this.withLines(tx, [row], query.include ?? []);
      return payment as Payment;
    });
  }

  /** The policy's money at a glance (issue 5): premium, commission, payouts and the result. */
  async cashFlow(caller: Caller, dealId: string, policyId: string): Promise<PolicyCashFlow> {
    return this.db.read(caller, async (tx) => {
      const policy = await this.payments.findPolicy(tx, caller, dealId, policyId);
      if (!policy) throw policyNotFound();
      const sums = await this.payments.cashFlow(tx, policy);
      const expected = sums.commissionExpected;
      const gap = (due: bigint, got: bigint) => fromKopecks(due > got ? due - got : 0n);
      return {
        policyId,
        dealId,
        policyNumber: policy.policyNumber,
        currency: SUPPORTED_CURRENCY,
        premium: policy.premium,
        premiumDue: sums.premiumDue,
        premiumPaid: sums.premiumPaid,
        premiumOutstanding: gap(toKopecks(sums.premiumDue), toKopecks(sums.premiumPaid)),
        commission: {
          rate: policy.commissionRate,
          expected,
          received: sums.commissionReceived,
          outstanding: expected === null ? null : gap(toKopecks(expected), toKopecks(sums.commissionReceived)),
        },
        bonusReceived: sums.bonusReceived,
        otherIncome: sums.otherIncome,
        incomesTotal: sums.incomesTotal,
        payouts: sums.payouts,
        expensesTotal: sums.expensesTotal,
        net: sums.net,
      };
    });
  }

  /**
   * Shares the commission received on a payment among colleagues: one `colleague_payout` expense
   * per share, in one transaction with the usual line events and one `deal.payment.updated`.
   * Percent shares are of the commission received, split by largest remainder so they add up to
   * the kopeck. The colleagues' payouts on the payment (earlier ones included) never exceed the
   * commission received (409 `commission_split_exceeds_received`).
   */
  async splitCommission(
    caller: Caller,
    dealId: string,
    policyId: string,
    paymentId: string,
    input: CommissionSplitRequest,
  ): Promise<CommissionSplitResult> {
    const postedAt = input.postedAt ?? this.clock.today();
    this.assertNotFuture(postedAt, 'postedAt', 'posted_at_in_future');
    const shares = input.shares;
    if (new Set(shares.map((share) => share.userId)).size !== shares.length) {
      throw new Invalid('Each colleague appears once in a split.', 'validation_error', {
        errors: [{ field: 'shares', message: 'userId must not repeat' }],
      });
    }
    return this.db.write(caller, async (tx) => {
      const payment = await this.paymentOf(tx, caller, dealId, policyId, paymentId, true);
      if (payment.status === 'cancelled') throw paymentCancelled();
      const sums = await this.payments.commissionOf(tx, paymentId);
      const received = toKopecks(sums.received);
      const previouslySplit = toKopecks(sums.split);
      const amounts = shares.every((share) => 'percent' in share)
        ? splitByPercent(
            received,
            shares.map((share) => ('percent' in share ? share.percent : '0')),
          )
        : splitByAmount(shares.map((share) => ('amount' in share ? share.amount : '0')));
      const split = amounts.reduce((sum, value) => sum + value, 0n);
      if (received === 0n || previouslySplit + split > received) {
        throw new Conflict(
          'The colleagues would get more than the commission received on this payment.',
          'commission_split_exceeds_received',
          {
            details: {
              commissionReceived: fromKopecks(received),
              previouslySplit: fromKopecks(previouslySplit),
              requested: fromKopecks(split),
            },
          },
        );
      }
      const tooSmall = amounts.indexOf(0n);
      if (tooSmall >= 0) {
        throw new Invalid('A share would be less than one kopeck.', 'share_too_small', {
          errors: [{ field: `shares.${tooSmall}`, message: 'is less than 0.01 of the commission received' }],
        });
      }
      const lines = await this.payments.insertLines(
        tx,
        'expenses',
        shares.map((share, index) => ({
          id: randomUUID(),
          paymentId,
          amount: fromKopecks(amounts[index] as bigint),
          currency: payment.currency,
          category: COLLEAGUE_PAYOUT_CATEGORY,
          postedAt,
          note: `Доля комиссии: ${share.name ?? share.userId}${'percent' in share ? ` (${share.percent}%)` : ''}`.slice(
            0,
            300,
          ),
          createdById: caller.userId,
          updatedById: caller.userId,
        })),
      );
      const row = await this.afterLineChange(tx, caller, payment);
      const base = { dealId, policyId, paymentId, actorId: caller.actorId };
      await this.events.emit(
        tx,
        lines.map((line) => ({
          key: 'deal.payment.expense.created' as const,
          subject: line.id,
          data: { ...base, expense: { expenseId: line.id, ...lineEventFields(line) } },
        })),
      );
      await this.emitUpdated(tx, caller, row, payment);
      return {
        commissionReceived: fromKopecks(received),
        previouslySplit: fromKopecks(previouslySplit),
        split: fromKopecks(split),
        remaining: fromKopecks(received - previouslySplit - split),
        expenses: lines.map(toMovement),
        payment: toPayment(row),
      };
    });
  }

  async create(caller: Caller, dealId: string, policyId: string, input: CreatePaymentRequest): Promise<Payment> {
    assertCurrency(input.currency);
    const actualDate = input.actualDate ?? null;
    if (actualDate !== null) this.assertNotFuture(actualDate, 'actualDate', 'actual_date_in_future');
    const recordedById = actualDate === null ? null : this.recorder(caller, input.recordedById ?? null);
    const createdById = caller.isService ? (input.createdById ?? null) : caller.userId;
    return this.db.write(caller, async (tx) => {
      // The policy's row lock orders concurrent creations; the counter makes their numbers.
      await this.policyOf(tx, caller, dealId, policyId, true);
      const sequence = await this.payments.nextSequence(tx, policyId);
      const inserted = await this.payments.insert(tx, {
        id: randomUUID(),
        dealId,
        policyId,
        sequence,
        status: 'scheduled',
        plannedDate: input.plannedDate ?? null,
        plannedAmount: input.plannedAmount,
        currency: input.currency,
        comment: input.comment ?? null,
        actualDate,
        recordedById,
        createdById,
        updatedById: createdById,
      });
      const row = await this.payments.recompute(tx, inserted.id);
      await this.events.emit(tx, [
        {
          key: 'deal.payment.created',
          subject: row.id,
          data: { dealId, policyId, payment: toPaymentData(row, [], []), actorId: caller.actorId },
        },
        this.dealUpdated(caller, row, null),
      ]);
      return toPayment(row);
    });
  }

  /**
   * Plans the policy's premium as `count` installments (domain.md §7 #10: scheduling is allowed):
   * amounts add up to the premium to the kopeck. Only for a policy with a premium and no live
   * payments yet, so a plan is never doubled.
   */
  async schedule(
    caller: Caller,
    dealId: string,
    policyId: string,
    input: PaymentScheduleRequest,
  ): Promise<PaymentsPage> {
    const createdById = caller.userId;
    return this.db.write(caller, async (tx) => {
      const policy = await this.payments.findPolicy(tx, caller, dealId, policyId, true);
      if (!policy) throw policyNotFound();
      if (policy.premium === null) {
        throw new Invalid('The policy has no premium to schedule.', 'premium_required');
      }
      const plan = installmentSchedule(policy.premium, input.count, input.firstDate, input.intervalMonths);
      if (!plan) {
        throw new Invalid('The premium is too small for that many installments.', 'validation_error', {
          errors: [{ field: 'count', message: 'every installment must be at least 0.01' }],
        });
      }
      if (await this.payments.hasLive(tx, policyId)) {
        throw new Conflict('The policy already has payments; edit them instead.', 'payments_already_scheduled');
      }
      const items: Payment[] = [];
      const events: CrmEvent[] = [];
      for (const installment of plan) {
        const row = await this.payments.insert(tx, {
          id: randomUUID(),
          dealId,
          policyId,
          sequence: await this.payments.nextSequence(tx, policyId),
          status: 'scheduled',
          plannedDate: installment.plannedDate,
          plannedAmount: installment.plannedAmount,
          currency: SUPPORTED_CURRENCY,
          comment: null,
          actualDate: null,
          recordedById: null,
          createdById,
          updatedById: createdById,
        });
        items.push(toPayment(row));
        events.push(
          {
            key: 'deal.payment.created',
            subject: row.id,
            data: { dealId, policyId, payment: toPaymentData(row, [], []), actorId: caller.actorId },
          },
          this.dealUpdated(caller, row, null),
        );
      }
      await this.events.emit(tx, events);
      return { items, total: items.length };
    });
  }

  async update(
    caller: Caller,
    dealId: string,
    policyId: string,
    paymentId: string,
    input: UpdatePaymentRequest,
    expected: number | undefined,
  ): Promise<Payment> {
    if (input.currency !== undefined) assertCurrency(input.currency);
    if (input.actualDate) this.assertNotFuture(input.actualDate, 'actualDate', 'actual_date_in_future');
    return this.db.write(caller, async (tx) => {
      const current = await this.paymentOf(tx, caller, dealId, policyId, paymentId, true);
      assertVersion(current.version, expected);
      if (input.status === 'cancelled' && !caller.isAdmin) {
        throw forbidden('Only an administrator cancels a payment.');
      }
      if (current.status === 'cancelled') {
        if (this.onlyCancels(input)) return toPayment(current);
        throw paymentCancelled();
      }
      // Only real changes count: an edit that changes nothing bumps nothing and publishes nothing.
      const patch: PaymentPatch = {};
      if (input.plannedDate !== undefined && input.plannedDate !== current.plannedDate) {
        patch.plannedDate = input.plannedDate;
      }
      if (input.plannedAmount !== undefined && toKopecks(input.plannedAmount) !== toKopecks(current.plannedAmount)) {
        patch.plannedAmount = input.plannedAmount;
      }
      if (input.comment !== undefined && input.comment !== current.comment) patch.comment = input.comment;
      if (input.status === 'cancelled') patch.status = 'cancelled';
      if (input.currency !== undefined && input.currency !== current.currency) {
        if (await this.payments.hasLiveLines(tx, paymentId)) throw hasTransactions('The currency does not change');
        patch.currency = input.currency;
      }
      const handClosed = current.recordedById !== null && current.actualDate !== null;
      if (input.actualDate === null) {
        // Reopening: the status and any automatic closing date derive from the incomes again.
        if (handClosed) Object.assign(patch, { actualDate: null, recordedById: null });
      } else if (input.actualDate !== undefined) {
        const recordedById = this.recorder(caller, input.recordedById ?? null);
        if (!handClosed || input.actualDate !== current.actualDate || recordedById !== current.recordedById) {
          Object.assign(patch, { actualDate: input.actualDate, recordedById });
        }
      } else if (input.recordedById !== undefined) {
        if (!handClosed) {
          throw new Invalid('recordedById confirms a closing: send it with actualDate.', 'validation_error', {
            errors: [{ field: 'recordedById', message: 'is only given with actualDate' }],
          });
        }
        const recordedById = this.recorder(caller, input.recordedById);
        if (recordedById !== current.recordedById) patch.recordedById = recordedById;
      }
      if (Object.keys(patch).length === 0) return toPayment(current);
      patch.updatedById = caller.userId;
      await this.payments.update(tx, paymentId, patch);
      const row = await this.payments.recompute(tx, paymentId);
      await this.emitUpdated(tx, caller, row, current);
      return toPayment(row);
    });
  }

  async remove(caller: Caller, dealId: string, policyId: string, paymentId: string): Promise<void> {
    await this.db.write(caller, async (tx) => {
      const current = await this.paymentOf(tx, caller, dealId, policyId, paymentId, true);
      if (await this.payments.hasLiveLines(tx, paymentId)) throw hasTransactions('A payment is not deleted');
      const row = await this.payments.update(tx, paymentId, { isDeleted: true, updatedById: caller.userId });
      await this.events.emit(tx, [
        {
          key: 'deal.payment.deleted',
          subject: paymentId,
          data: {
            dealId,
            policyId,
            paymentId,
            deletedAt: row.updatedAt.toISOString(),
            actorId: caller.actorId,
          },
        },
        this.dealUpdated(caller, row, current),
      ]);
    });
  }

  async lines(
    caller: Caller,
    direction: MovementDirection,
    dealId: string,
    policyId: string,
    paymentId: string,
  ): Promise<Movement[]> {
    return this.db.read(caller, async (tx) => {
      await this.paymentOf(tx, caller, dealId, policyId, paymentId);
      return (await this.payments.lines(tx, direction, [paymentId])).map(toMovement);
    });
  }

  async addLine(
    caller: Caller,
    direction: MovementDirection,
    dealId: string,
    policyId: string,
    paymentId: string,
    input: CreateMovementRequest,
  ): Promise<Movement> {
    this.assertNotFuture(input.postedAt, 'postedAt', 'posted_at_in_future');
    return this.db.write(caller, async (tx) => {
      const payment = await this.paymentOf(tx, caller, dealId, policyId, paymentId, true);
      if (payment.status === 'cancelled') throw paymentCancelled();
      this.assertSameCurrency(payment, input.currency);
      const line = await this.payments.insertLine(tx, direction, {
        id: randomUUID(),
        paymentId,
        amount: input.amount,
        currency: input.currency,
        category: input.category,
        postedAt: input.postedAt,
        note: input.note ?? null,
        createdById: caller.userId,
        updatedById: caller.userId,
      });
      const row = await this.afterLineChange(tx, caller, payment);
      const keys = LINE_KEYS[direction];
      await this.emitLine(tx, caller, row, payment, keys.created, line);
      return toMovement(line);
    });
  }

  async updateLine(
    caller: Caller,
    direction: MovementDirection,
    dealId: string,
    policyId: string,
    paymentId: string,
    lineId: string,
    input: UpdateMovementRequest,
  ): Promise<Movement> {
    if (input.postedAt !== undefined) this.assertNotFuture(input.postedAt, 'postedAt', 'posted_at_in_future');
    return this.db.write(caller, async (tx) => {
      const payment = await this.paymentOf(tx, caller, dealId, policyId, paymentId, true);
      const current = await this.payments.findLine(tx, direction, paymentId, lineId);
      if (!current) throw lineNotFound(direction);
      if (payment.status === 'cancelled') throw paymentCancelled();
      if (input.currency !== undefined) this.assertSameCurrency(payment, input.currency);
      const patch: MovementPatch = {};
      const previous: Record<string, unknown> = {};
      if (input.amount !== undefined && toKopecks(input.amount) !== toKopecks(current.amount)) {
        patch.amount = input.amount;
        previous.amount = current.amount;
      }
      for (const key of ['category', 'postedAt', 'note'] as const) {
        const value = input[key];
        if (value === undefined || value === current[key]) continue;
        Object.assign(patch, { [key]: value });
        previous[key] = current[key];
      }
      if (Object.keys(patch).length === 0) return toMovement(current);
      patch.updatedById = caller.userId;
      const line = await this.payments.updateLine(tx, direction, lineId, patch);
      const row = await this.afterLineChange(tx, caller, payment);
      await this.emitLine(tx, caller, row, payment, LINE_KEYS[direction].updated, line, previous);
      return toMovement(line);
    });
  }

  async removeLine(
    caller: Caller,
    direction: MovementDirection,
    dealId: string,
    policyId: string,
    paymentId: string,
    lineId: string,
    deletedById: string | undefined,
  ): Promise<void> {
    await this.db.write(caller, async (tx) => {
      const payment = await this.paymentOf(tx, caller, dealId, policyId, paymentId, true);
      const current = await this.payments.findLine(tx, direction, paymentId, lineId);
      if (!current) throw lineNotFound(direction);
      if (payment.status === 'cancelled') throw paymentCancelled();
      const line = await this.payments.updateLine(tx, direction, lineId, {
        isDeleted: true,
        updatedById: caller.userId,
      });
      const row = await this.afterLineChange(tx, caller, payment);
      const deleted = {
        deletedAt: line.updatedAt.toISOString(),
        deletedById: deletedById ?? caller.userId,
      };
      const base = { dealId, policyId, paymentId, actorId: caller.actorId };
      const lineEvent: CrmEvent =
        direction === 'incomes'
          ? {
              key: 'deal.payment.income.deleted',
              subject: lineId,
              data: { ...base, income: { incomeId: lineId, ...deleted } },
            }
          : {
              key: 'deal.payment.expense.deleted',
              subject: lineId,
              data: { ...base, expense: { expenseId: lineId, ...deleted } },
            };
      await this.events.emit(tx, [lineEvent]);
      await this.emitUpdated(tx, caller, row, payment);
    });
  }

  private onlyCancels(input: UpdatePaymentRequest): boolean {
    return Object.keys(input).every((key) => key === 'status' || key === 'version');
  }

  /** Bumps the payment's version and re-derives it; a total beyond numeric(14,2) is bad input. */
  async afterLineChange(tx: Tx, caller: Caller, payment: PaymentRecord): Promise<PaymentRecord> {
    try {
      await this.payments.update(tx, payment.id, { updatedById: caller.userId });
      return await this.payments.recompute(tx, payment.id);
    } catch (error) {
      if (isNumericOverflow(error)) {
        throw new Invalid('The payment total would exceed 999999999999.99.', 'amount_out_of_range');
      }
      throw error;
    }
  }

  private async emitLine(
    tx: Tx,
    caller: Caller,
    row: PaymentRecord,
    before: PaymentRecord,
    key: (typeof LINE_KEYS)[MovementDirection]['created' | 'updated'],
    line: MovementRecord,
    previous?: Record<string, unknown>,
  ): Promise<void> {
    const base = { dealId: row.dealId, policyId: row.policyId, paymentId: row.id, actorId: caller.actorId };
    const extra = previous === undefined ? {} : { previous };
    const fields = lineEventFields(line);
    let event: CrmEvent;
    if (key === 'deal.payment.income.created' || key === 'deal.payment.income.updated') {
      event = { key, subject: line.id, data: { ...base, income: { incomeId: line.id, ...fields }, ...extra } };
    } else {
      event = { key, subject: line.id, data: { ...base, expense: { expenseId: line.id, ...fields }, ...extra } };
    }
    await this.events.emit(tx, [event]);
    await this.emitUpdated(tx, caller, row, before);
  }

  /** `deal.payment.updated` with the full payment and its live lines, plus `deal.updated`. */
  async emitUpdated(tx: Tx, caller: Caller, row: PaymentRecord, before: PaymentRecord): Promise<void> {
    const [incomes, expenses] = [
      await this.payments.lines(tx, 'incomes', [row.id]),
      await this.payments.lines(tx, 'expenses', [row.id]),
    ];
    await this.events.emit(tx, this.updatedEvents(caller, row, before, incomes, expenses));
  }

  /** The events of `emitUpdated`, for callers that read the lines of many payments at once. */
  updatedEvents(
    caller: Caller,
    row: PaymentRecord,
    before: PaymentRecord,
    incomes: MovementRecord[],
    expenses: MovementRecord[],
  ): CrmEvent[] {
    return [
      {
        key: 'deal.payment.updated',
        subject: row.id,
        data: {
          dealId: row.dealId,
          policyId: row.policyId,
          payment: toPaymentData(row, incomes, expenses),
          actorId: caller.actorId,
        },
      },
      this.dealUpdated(caller, row, before),
    ];
  }

  private dealUpdated(caller: Caller, row: PaymentRecord, before: PaymentRecord | null): CrmEvent {
    return {
      key: 'deal.updated',
      subject: row.dealId,
      data: {
        dealId: row.dealId,
        changes: { payment: paymentSummary(row) },
        previous: { payment: before === null ? null : paymentSummary(before) },
        updatedAt: row.updatedAt.toISOString(),
        actorId: caller.actorId,
      },
    };
  }

  private async withLines(tx: Tx, rows: PaymentRecord[], include: readonly MovementDirection[]): Promise<Payment[]> {
    const ids = rows.map((row) => row.id);
    const incomes = include.includes('incomes') ? await this.payments.lines(tx, 'incomes', ids) : undefined;
    const expenses = include.includes('expenses') ? await this.payments.lines(tx, 'expenses', ids) : undefined;
    return rows.map((row) =>
      toPayment(row, {
        incomes: incomes?.filter((line) => line.paymentId === row.id),
        expenses: expenses?.filter((line) => line.paymentId === row.id),
      }),
    );
  }

  private async policyOf(tx: Tx, caller: Caller, dealId: string, policyId: string, lock = false): Promise<void> {
    if (!(await this.payments.findPolicy(tx, caller, dealId, policyId, lock))) throw policyNotFound();
  }

  private async paymentOf(
    tx: Tx,
    caller: Caller,
    dealId: string,
    policyId: string,
    paymentId: string,
    lock = false,
  ): Promise<PaymentRecord> {
    await this.policyOf(tx, caller, dealId, policyId);
    const row = await this.payments.find(tx, caller, policyId, paymentId, lock);
    if (!row) throw paymentNotFound();
    return row;
  }

  private assertSameCurrency(payment: PaymentRecord, currency: string): void {
    if (currency !== payment.currency) {
      throw new Invalid(`The line's currency must be the payment's (${payment.currency}).`, 'currency_mismatch', {
        errors: [{ field: 'currency', message: `must be ${payment.currency}` }],
      });
    }
  }

  private assertNotFuture(date: string, field: string, code: string): void {
    if (date > this.clock.today()) {
      throw new Invalid(`${field} must not be in the future.`, code, {
        errors: [{ field, message: 'must not be after today' }],
      });
    }
  }

  /** Who confirms a closing by hand: the caller, unless an administrator or a service names someone. */
  private recorder(caller: Caller, requested: string | null): string {
    const recorder = caller.isAdmin && requested !== null ? requested : (caller.userId ?? requested);
    if (recorder === null) {
      throw new Invalid('A service closing a payment names the user who confirmed it.', 'validation_error', {
        errors: [{ field: 'recordedById', message: 'is required for service callers' }],
      });
    }
    return recorder;
  }
}
