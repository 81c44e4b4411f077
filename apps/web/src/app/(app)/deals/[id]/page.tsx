import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { DealDetailScreen } from '@/features/deals/deal-detail.screen';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('dealCard');
  return { title: t('title') };
}

export default async function DealPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <DealDetailScreen key={id} dealId={id} />;
}
