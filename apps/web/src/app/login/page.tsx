import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { AuthCard } from '@/components/auth-card';
import { LoginForm } from './login.form';

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('login');
  return { title: t('title') };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export default async function LoginPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const t = await getTranslations();
  return (
    <AuthCard appName={t('app.name')} title={t('login.title')} subtitle={t('login.subtitle')}>
      <LoginForm next={first(params.next)} reason={first(params.reason)} />
    </AuthCard>
  );
}
