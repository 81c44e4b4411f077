import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { AuthCard } from '@/components/auth-card';
import { ActivateForm } from './activate.form';

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('activate');
  return { title: t('title') };
}

export default async function ActivatePage({ searchParams }: { searchParams: SearchParams }) {
  const { token } = await searchParams;
  const t = await getTranslations();
  return (
    <AuthCard appName={t('app.name')} title={t('activate.title')} subtitle={t('activate.subtitle')}>
      <ActivateForm token={(Array.isArray(token) ? token[0] : token) ?? ''} />
    </AuthCard>
  );
}
