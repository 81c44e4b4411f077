import { fromKopecks, toKopecks } from '@/features/deals/money';
import type { DecimalString } from '@/lib/format';

export interface PlannedInstallment {
  plannedDate: string;
  plannedAmount: DecimalString;
}

/** A calendar date `months` later; a missing day becomes the month's last (31 Jan + 1 → 28/29 Feb). */
export function shiftMonths(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const daysInTarget = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, daysInTarget));
  return target.toISOString().slice(0, 10);
}

/**
 * The preview of the installment plan the API will create: the premium split evenly in kopecks, the
 * leftover kopecks going one each to the first installments (so the sum is the premium exactly).
 * Null when it cannot be split (fewer kopecks than installments, bad input).
 */
export function previewSchedule(
  premium: string,
  count: number,
  firstDate: string,
  intervalMonths: number,
): PlannedInstallment[] | null {
  if (!Number.isInteger(count) || count < 1 || count > 60) return null;
  if (!Number.isInteger(intervalMonths) || intervalMonths < 1 || intervalMonths > 12) return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(firstDate)) return null;
  let total: bigint;
  try {
    total = toKopecks(premium);
  } catch {
    return null;
  }
  const parts = BigInt(count);
  if (total < parts) return null;
  const share = total / parts;
  const leftover = total % parts;
  return Array.from({ length: count }, (_, index) => ({
    plannedDate: shiftMonths(firstDate, index * intervalMonths),
    plannedAmount: fromKopecks(share + (BigInt(index) < leftover ? 1n : 0n)),
  }));
}
