import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { AuthCard } from '@/components/auth-card';
import { ActivateForm } from './activate.form';
import { activateModeOf } from './activate-mode';

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export async function generateMetadata({ searchParams }: { searchParams: SearchParams }): Promise<Metadata> {
  const mode = activateModeOf(first((await searchParams).mode));
  const t = await getTranslations('activate');
  return { title: t(mode === 'change' ? 'change.title' : 'title') };
}

/** `?token=…` from an invitation; `?token=…&mode=change&next=…` when a sign-in demanded a new password. */
export default async function ActivatePage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const mode = activateModeOf(first(params.mode));
  const t = await getTranslations();
  const prefix = mode === 'change' ? 'activate.change' : 'activate';
  return (
    <AuthCard appName={t('app.name')} title={t(`${prefix}.title`)} subtitle={t(`${prefix}.subtitle`)}>
      <ActivateForm token={first(params.token) ?? ''} mode={mode} next={first(params.next)} />
    </AuthCard>
  );
}
