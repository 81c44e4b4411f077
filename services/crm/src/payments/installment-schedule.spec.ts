import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMonths, installmentSchedule } from './installment-schedule.js';
import { fromKopecks, toKopecks } from './money.js';

describe('installment schedule', () => {
  it('splits a premium so that the parts add up to the kopeck', () => {
    expect(installmentSchedule('100.00', 3, '2025-01-31', 1)).toEqual([
      { plannedDate: '2025-01-31', plannedAmount: '33.34' },
      { plannedDate: '2025-02-28', plannedAmount: '33.33' },
      { plannedDate: '2025-03-31', plannedAmount: '33.33' },
    ]);
    expect(installmentSchedule('150000', 4, '2024-11-30', 3)?.map((part) => part.plannedDate)).toEqual([
      '2024-11-30',
      '2025-02-28',
      '2025-05-30',
      '2025-08-30',
    ]);
    expect(installmentSchedule('0.02', 3, '2025-01-01', 1)).toBeUndefined();
  });

  it('converts between decimal strings and kopecks exactly', () => {
    expect(toKopecks('999999999999.99')).toBe(99_999_999_999_999n);
    expect(toKopecks('0.5')).toBe(50n);
    expect(fromKopecks(1n)).toBe('0.01');
    expect(fromKopecks(99_999_999_999_999n)).toBe('999999999999.99');
    expect(() => toKopecks('1e3')).toThrow();
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2025-12-15', 2)).toBe('2026-02-15');
  });

  it('always sums to the premium, with parts one kopeck apart at most (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 99_999_999_999_999n }),
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 12 }),
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2090-12-31T00:00:00Z'), noInvalidDate: true }),
        (kopecks, count, interval, first) => {
          const firstDate = first.toISOString().slice(0, 10);
          const schedule = installmentSchedule(fromKopecks(kopecks), count, firstDate, interval);
          if (kopecks < BigInt(count)) {
            expect(schedule).toBeUndefined();
            return;
          }
          expect(schedule).toHaveLength(count);
          const parts = (schedule ?? []).map((part) => toKopecks(part.plannedAmount));
          expect(parts.reduce((sum, part) => sum + part, 0n)).toBe(kopecks);
          const floor = kopecks / BigInt(count);
          expect(floor > 0n && parts.every((part) => part === floor || part === floor + 1n)).toBe(true);
          const dates = (schedule ?? []).map((part) => part.plannedDate);
          expect([...dates].sort()).toEqual(dates);
          expect(new Set(dates).size).toBe(count);
        },
      ),
    );
  });
});
