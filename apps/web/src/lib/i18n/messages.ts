import en from '../../../messages/en.json';
import ru from '../../../messages/ru.json';
import type { AppLocale } from './locales';

export type Messages = typeof ru;

const catalogs: Record<AppLocale, Messages> = { ru, en };

export function loadMessages(locale: AppLocale): Messages {
  return catalogs[locale];
}
