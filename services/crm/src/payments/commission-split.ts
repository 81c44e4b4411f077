import { toKopecks } from './money.js';

/*
 * A commission shared among colleagues (issue 5): amounts in integer kopecks that add up exactly.
 */

/** Hundredths of a percent of a percent string such as "33.33" (0–10 000). */
export function toBasisPoints(percent: string): bigint {
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(percent);
  if (!match) throw new Error(`not a percent: ${percent}`);
  return BigInt(match[1] as string) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
}

/** `value × numerator / denominator` rounded half-up (non-negative operands). */
export function divideHalfUp(value: bigint, numerator: bigint, denominator: bigint): bigint {
  return (value * numerator * 2n + denominator) / (denominator * 2n);
}

/**
 * Shares of `baseKopecks` by percent. The total is `base × Σ percent / 100` rounded half-up; each
 * share gets its exact part rounded down, and the kopecks still missing go one each to the shares
 * with the largest remainders (the earlier share on a tie): the largest-remainder method, so the
 * shares add up to the total to the kopeck and none is off by more than one kopeck.
 */
export function splitByPercent(baseKopecks: bigint, percents: readonly string[]): bigint[] {
  const points = percents.map(toBasisPoints);
  const scale = 10_000n;
  const total = divideHalfUp(
    baseKopecks,
    points.reduce((sum, value) => sum + value, 0n),
    scale,
  );
  const exact = points.map((value) => baseKopecks * value);
  const shares = exact.map((value) => value / scale);
  let missing = total - shares.reduce((sum, value) => sum + value, 0n);
  const byRemainder = exact
    .map((value, index) => ({ index, remainder: value % scale }))
    .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of byRemainder) {
    if (missing <= 0n) break;
    shares[index] = (shares[index] as bigint) + 1n;
    missing -= 1n;
  }
  return shares;
}

/** Shares given as amounts: their kopecks as they are. */
export function splitByAmount(amounts: readonly string[]): bigint[] {
  return amounts.map(toKopecks);
}
