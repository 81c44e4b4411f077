import type { AppLocale } from '@/lib/i18n/locales';
import type { Messages } from '@/lib/i18n/messages';

// Typed message keys: a misspelt key or a key missing from the Russian catalogue (messages/ru/) fails the type check.
declare module 'next-intl' {
  interface AppConfig {
    Locale: AppLocale;
    Messages: Messages;
  }
}
