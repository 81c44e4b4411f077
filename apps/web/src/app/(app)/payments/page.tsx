import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { PaymentsScreen } from './payments.screen';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('paymentsList');
  return { title: t('title') };
}

export default function PaymentsPage() {
  return <PaymentsScreen />;
}
