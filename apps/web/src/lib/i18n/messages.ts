import enClients from '../../../messages/en/clients.json';
import enCore from '../../../messages/en/core.json';
import enDeals from '../../../messages/en/deals.json';
import enDocuments from '../../../messages/en/documents.json';
import enPayments from '../../../messages/en/payments.json';
import enTasks from '../../../messages/en/tasks.json';
import ruClients from '../../../messages/ru/clients.json';
import ruCore from '../../../messages/ru/core.json';
import ruDeals from '../../../messages/ru/deals.json';
import ruDocuments from '../../../messages/ru/documents.json';
import ruPayments from '../../../messages/ru/payments.json';
import ruTasks from '../../../messages/ru/tasks.json';
import type { AppLocale } from './locales';

// One catalogue per area of the app (each file holds its own top-level namespaces); Russian is the
// reference: English must have the same keys, which the type below enforces.
const ru = { ...ruCore, ...ruDeals, ...ruClients, ...ruPayments, ...ruTasks, ...ruDocuments };
export type Messages = typeof ru;

const en: Messages = { ...enCore, ...enDeals, ...enClients, ...enPayments, ...enTasks, ...enDocuments };

const catalogs: Record<AppLocale, Messages> = { ru, en };

export function loadMessages(locale: AppLocale): Messages {
  return catalogs[locale];
}
