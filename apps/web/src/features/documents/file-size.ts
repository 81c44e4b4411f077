import type { AppLocale } from '@/lib/i18n/locales';

const INTL_LOCALES: Record<AppLocale, string> = { ru: 'ru-RU', en: 'en-GB' };
const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;

/** "1,5 МБ" / "1.5 MB": binary multiples, one decimal above a kilobyte. */
export function formatFileSize(bytes: number, locale: AppLocale): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return new Intl.NumberFormat(INTL_LOCALES[locale], {
    style: 'unit',
    unit: UNITS[unit],
    unitDisplay: 'short',
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value);
}
