/*
 * Money as integer kopecks (BigInt), from the decimal string in to the decimal string out: no
 * floating point on the way (ARCHITECTURE.md §2).
 */

const MONEY = /^(0|[1-9]\d{0,11})(?:\.(\d{1,2}))?$/;

/** Kopecks of a `numeric(14,2)` decimal string such as "150000.00". */
export function toKopecks(amount: string): bigint {
  const match = MONEY.exec(amount);
  if (!match) throw new Error(`not a money amount: ${amount}`);
  const [, whole, fraction = ''] = match as unknown as [string, string, string | undefined];
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
}

/** The decimal string of non-negative kopecks, always with two decimals. */
export function fromKopecks(kopecks: bigint): string {
  if (kopecks < 0n) throw new Error(`expected kopecks >= 0, got ${kopecks}`);
  return `${kopecks / 100n}.${String(kopecks % 100n).padStart(2, '0')}`;
}
