import type { DecimalString } from '@/lib/format';

const DECIMAL = /^(-?)(\d+)(?:\.(\d{1,2}))?$/;

/** A decimal string ("1500.5", "-3.25") in integer kopecks; never goes through a float. */
export function toKopecks(amount: string): bigint {
  const match = DECIMAL.exec(amount.trim());
  if (!match) throw new RangeError(`Not a money amount: ${amount}`);
  const [, sign, rubles = '0', fraction = ''] = match;
  const kopecks = BigInt(rubles) * 100n + BigInt(fraction.padEnd(2, '0'));
  return sign === '-' ? -kopecks : kopecks;
}

/** Integer kopecks back to a decimal string with two decimals ("-1500.50"). */
export function fromKopecks(kopecks: bigint): DecimalString {
  const negative = kopecks < 0n;
  const absolute = negative ? -kopecks : kopecks;
  const rubles = absolute / 100n;
  const rest = (absolute % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${rubles}.${rest}` as DecimalString;
}

/** Σ of decimal strings, exact to the kopeck. */
export function sumAmounts(amounts: readonly (string | null | undefined)[]): DecimalString {
  let total = 0n;
  for (const amount of amounts) if (amount) total += toKopecks(amount);
  return fromKopecks(total);
}

export function subtractAmounts(from: string, amount: string): DecimalString {
  return fromKopecks(toKopecks(from) - toKopecks(amount));
}

/**
 * What people type ("150 000,5", "1 200.00 ₽") as the API's decimal string ("150000.5"); anything
 * else is returned trimmed so that the contract schema reports it at the field.
 */
export function normalizeMoneyInput(value: string): string {
  const compact = value.replace(/[\s\u00a0\u202f₽]/g, '').replace(',', '.');
  return compact;
}
