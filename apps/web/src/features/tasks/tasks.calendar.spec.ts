import { describe, expect, it } from 'vitest';
import { dayKey, monthGrid } from './tasks.calendar';

describe('monthGrid', () => {
  it('covers the month in whole Monday-first weeks', () => {
    const days = monthGrid(new Date(2021, 1, 10));
    expect(days).toHaveLength(28);
    expect(dayKey(days[0] as Date)).toBe('2021-02-01');
    expect(dayKey(days[27] as Date)).toBe('2021-02-28');
    const sundayStart = monthGrid(new Date(2026, 1, 1));
    expect(sundayStart).toHaveLength(35);
    expect(dayKey(sundayStart[0] as Date)).toBe('2026-01-26');
  });

  it('adds a sixth week when the month needs one', () => {
    const days = monthGrid(new Date(2026, 10, 15));
    expect(days).toHaveLength(42);
    expect(dayKey(days[0] as Date)).toBe('2026-10-26');
    expect(dayKey(days[41] as Date)).toBe('2026-12-06');
  });
});
