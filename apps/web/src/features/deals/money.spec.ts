import { describe, expect, it } from 'vitest';
import { formatMoney } from '@/lib/format';
import { fromKopecks, normalizeMoneyInput, subtractAmounts, sumAmounts, toKopecks } from './money';

describe('money in kopecks', () => {
  it('parses decimal strings without floats', () => {
    expect(toKopecks('150000.00')).toBe(15_000_000n);
    expect(toKopecks('0.1')).toBe(10n);
    expect(toKopecks('-3.05')).toBe(-305n);
    expect(() => toKopecks('1e3')).toThrow(RangeError);
  });

  it('adds amounts that a float would get wrong', () => {
    expect(sumAmounts(['0.10', '0.20'])).toBe('0.30');
    expect(sumAmounts(['999999999999.99', '0.01'])).toBe('1000000000000.00');
    expect(sumAmounts([])).toBe('0.00');
    expect(subtractAmounts('100.00', '100.01')).toBe('-0.01');
    expect(fromKopecks(-5n)).toBe('-0.05');
  });

  it('formats totals in Russian notation to the kopeck', () => {
    const nbsp = /[\u00a0\u202f]/g;
    expect(formatMoney(sumAmounts(['33333.33', '33333.33', '33333.34'])).replace(nbsp, ' ')).toBe('100 000,00 ₽');
    expect(formatMoney(sumAmounts(['999999999999.99', '0.02'])).replace(nbsp, ' ')).toBe('1 000 000 000 000,01 ₽');
  });

  it('reads what people type', () => {
    expect(normalizeMoneyInput('150 000,5')).toBe('150000.5');
    expect(normalizeMoneyInput(' 1\u00a0200.00 ₽')).toBe('1200.00');
    expect(normalizeMoneyInput('abc')).toBe('abc');
  });
});
