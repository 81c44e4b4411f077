import type { Movement, Payment, PaymentData } from '@polis/contracts';
import type { MovementRecord, PaymentRecord } from './payment.repository.js';

export function toMovement(row: MovementRecord): Movement {
  return {
    id: row.id,
    paymentId: row.paymentId,
    amount: row.amount,
    currency: row.currency,
    category: row.category,
    postedAt: row.postedAt,
    note: row.note,
    createdById: row.createdById,
    updatedById: row.updatedById,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export interface PaymentLines {
  incomes?: MovementRecord[];
  expenses?: MovementRecord[];
}

export function toPayment(row: PaymentRecord, lines: PaymentLines = {}): Payment {
  const payment: Payment = {
    id: row.id,
    dealId: row.dealId,
    policyId: row.policyId,
    sequence: row.sequence,
    status: row.status,
    plannedDate: row.plannedDate,
    actualDate: row.actualDate,
    plannedAmount: row.plannedAmount,
    currency: row.currency,
    comment: row.comment,
    createdById: row.createdById,
    updatedById: row.updatedById,
    recordedById: row.recordedById,
    incomesTotal: row.incomesTotal,
    expensesTotal: row.expensesTotal,
    netTotal: row.netTotal,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
  if (lines.incomes) payment.incomes = lines.incomes.map(toMovement);
  if (lines.expenses) payment.expenses = lines.expenses.map(toMovement);
  return payment;
}

/** PaymentData of `deal.payment.created|updated`: the payment with all its live lines. */
export function toPaymentData(row: PaymentRecord, incomes: MovementRecord[], expenses: MovementRecord[]): PaymentData {
  return { ...toPayment(row), incomes: incomes.map(toMovement), expenses: expenses.map(toMovement) };
}

/** What `deal.updated` says about a payment of the deal. */
export function paymentSummary(row: PaymentRecord): Record<string, unknown> {
  return {
    id: row.id,
    policyId: row.policyId,
    sequence: row.sequence,
    status: row.status,
    plannedAmount: row.plannedAmount,
    incomesTotal: row.incomesTotal,
    expensesTotal: row.expensesTotal,
    netTotal: row.netTotal,
    actualDate: row.actualDate,
    isDeleted: row.isDeleted,
  };
}

/** The event form of a line (`incomeId` / `expenseId` instead of `id`). */
export function lineEventFields(row: MovementRecord) {
  const { id: _id, ...rest } = toMovement(row);
  return rest;
}
