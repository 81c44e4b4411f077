import { fromKopecks, toKopecks } from './money.js';

/*
 * The installment plan of a policy's premium (domain.md §1 ⑤–⑧): n payments whose amounts add up
 * to the premium to the kopeck, computed in integer kopecks.
 */

/** A calendar date moved by whole months; a day the target month lacks becomes its last day (31 Jan + 1 → 28/29 Feb). */
export function addMonths(isoDate: string, months: number): string {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = index - targetYear * 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  const date = new Date(Date.UTC(targetYear, targetMonth, Math.min(day, lastDay)));
  return date.toISOString().slice(0, 10);
}

export interface Installment {
  plannedDate: string;
  plannedAmount: string;
}

/**
 * Splits `total` into `count` installments `intervalMonths` apart from `firstDate`. Each is the
 * total divided evenly, rounded down to the kopeck; the kopecks left over go one each to the first
 * installments, so the amounts differ by at most one kopeck and their sum is exactly the total.
 * Undefined when the total has fewer kopecks than installments (one would be zero).
 */
export function installmentSchedule(
  total: string,
  count: number,
  firstDate: string,
  intervalMonths: number,
): Installment[] | undefined {
  const kopecks = toKopecks(total);
  const parts = BigInt(count);
  if (count < 1 || kopecks < parts) return undefined;
  const share = kopecks / parts;
  const remainder = kopecks % parts;
  return Array.from({ length: count }, (_, index) => ({
    plannedDate: addMonths(firstDate, index * intervalMonths),
    plannedAmount: fromKopecks(share + (BigInt(index) < remainder ? 1n : 0n)),
  }));
}
