import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { divideHalfUp, splitByPercent, toBasisPoints } from './commission-split.js';

const percent = fc.integer({ min: 1, max: 10_000 }).map((points) => {
  const whole = Math.floor(points / 100);
  const fraction = points % 100;
  return fraction === 0 ? String(whole) : `${whole}.${String(fraction).padStart(2, '0')}`;
});

describe('commission split', () => {
  it('reads percents as basis points and rounds half-up', () => {
    expect(toBasisPoints('33.33')).toBe(3333n);
    expect(toBasisPoints('100')).toBe(10_000n);
    expect(toBasisPoints('0.5')).toBe(50n);
    expect(divideHalfUp(5n, 1n, 2n)).toBe(3n);
    expect(divideHalfUp(4n, 1n, 2n)).toBe(2n);
  });

  it('splits 100.00 in three thirds to the kopeck', () => {
    expect(splitByPercent(10_000n, ['33.33', '33.33', '33.34'])).toEqual([3333n, 3333n, 3334n]);
    expect(splitByPercent(100n, ['50', '50'])).toEqual([50n, 50n]);
    expect(splitByPercent(1n, ['50', '50'])).toEqual([1n, 0n]);
  });

  it('adds up exactly to the rounded total, each share within a kopeck of its exact part (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 99_999_999_999_999n }),
        fc
          .array(percent, { minLength: 1, maxLength: 20 })
          .filter((list) => list.reduce((sum, value) => sum + toBasisPoints(value), 0n) <= 10_000n),
        (base, percents) => {
          const shares = splitByPercent(base, percents);
          const points = percents.map(toBasisPoints);
          const total = divideHalfUp(
            base,
            points.reduce((sum, value) => sum + value, 0n),
            10_000n,
          );
          expect(shares.reduce((sum, value) => sum + value, 0n)).toBe(total);
          shares.forEach((share, index) => {
            const exactTimesScale = base * (points[index] as bigint);
            // |share − exact| < 1 kopeck, i.e. |share × 10 000 − base × points| < 10 000.
            const gap = share * 10_000n - exactTimesScale;
            expect(gap > -10_000n && gap < 10_000n).toBe(true);
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});
