import { cookies } from 'next/headers';
import { getRequestConfig } from 'next-intl/server';
import { LOCALE_COOKIE, resolveLocale } from '@/lib/i18n/locales';
import { loadMessages } from '@/lib/i18n/messages';

// No locale in the URL: the language is a per-browser preference kept in a cookie.
export default getRequestConfig(async () => {
  const store = await cookies();
  const locale = resolveLocale(store.get(LOCALE_COOKIE)?.value);
  return { locale, messages: loadMessages(locale) };
});
