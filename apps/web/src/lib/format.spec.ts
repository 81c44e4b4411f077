import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatMoney } from './format';

// Intl separates thousands with a narrow no-break space and puts a no-break space before ₽.
const normalize = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('formatMoney', () => {
  it('writes RUB in Russian notation from a decimal string', () => {
    expect(normalize(formatMoney('150000.00'))).toBe('150 000,00 ₽');
    expect(normalize(formatMoney('0.1'))).toBe('0,10 ₽');
  });

  it('keeps kopecks of large amounts exact (no float on the way)', () => {
    expect(normalize(formatMoney('90071992547409.99'))).toBe('90 071 992 547 409,99 ₽');
  });
});

describe('formatDate', () => {
  it('shows a calendar date as is in the user locale, whatever the time zone', () => {
    expect(normalize(formatDate('2025-03-01', 'ru'))).toBe('1 мар. 2025 г.');
    expect(formatDate('2025-03-01', 'en')).toBe('1 Mar 2025');
  });

  it('returns what it cannot parse unchanged', () => {
    expect(formatDate('soon', 'ru')).toBe('soon');
    expect(formatDateTime('later', 'en')).toBe('later');
  });
});
