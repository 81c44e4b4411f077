export const LOCALES = ['ru', 'en'] as const;
export type AppLocale = (typeof LOCALES)[number];

/** Our users are Russian agencies: Russian unless someone switched. */
export const DEFAULT_LOCALE: AppLocale = 'ru';

/** Read on the server for every request, written by the language switch. */
export const LOCALE_COOKIE = 'polis_locale';

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

export function isLocale(value: unknown): value is AppLocale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export function resolveLocale(value: string | null | undefined): AppLocale {
  return isLocale(value) ? value : DEFAULT_LOCALE;
}

/** The cookie string the browser stores when the user picks a language. */
export function localeCookie(locale: AppLocale): string {
  return `${LOCALE_COOKIE}=${locale}; Path=/; Max-Age=${ONE_YEAR_SECONDS}; SameSite=Lax`;
}
