import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { ClientDetailScreen } from '@/features/clients/client-detail.screen';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('clients');
  return { title: t('cardTitle') };
}

export default async function ClientPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ClientDetailScreen key={id} clientId={id} />;
}
