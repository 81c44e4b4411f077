import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { ClientsScreen } from '@/features/clients/clients.screen';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('clients');
  return { title: t('title') };
}

export default function ClientsPage() {
  return <ClientsScreen />;
}
