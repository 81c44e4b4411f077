import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { DealsScreen } from '@/features/deals/deals.screen';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('deals');
  return { title: t('title') };
}

export default function DealsPage() {
  return <DealsScreen />;
}
