import type { AppLocale } from './i18n/locales';

const INTL_LOCALES: Record<AppLocale, string> = { ru: 'ru-RU', en: 'en-GB' };

/** Amounts travel as decimal strings ("150000.00"); Intl formats the string without a float. */
export type DecimalString = `${number}`;

const moneyFormat = new Intl.NumberFormat('ru-RU', {
  style: 'currency',
  currency: 'RUB',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/** RUB in Russian notation whatever the UI language: "150 000,00 ₽". */
export function formatMoney(amount: DecimalString | number): string {
  return moneyFormat.format(amount);
}

/** A calendar date (`YYYY-MM-DD`) is not an instant: it is shown as is, never shifted by a time zone. */
export function formatDate(value: string, locale: AppLocale): string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const date = new Date(dateOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(INTL_LOCALES[locale], {
    dateStyle: 'medium',
    timeZone: dateOnly ? 'UTC' : undefined,
  }).format(date);
}

/** An instant (ISO-8601 timestamp) in the viewer's time zone. */
export function formatDateTime(value: string, locale: AppLocale): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(INTL_LOCALES[locale], { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** Whether `value` is one of `values` (a const list of literals), narrowing it to their type. */
export function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}
