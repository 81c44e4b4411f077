import { Button } from '@mantine/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { StatusView } from '@/components/status.view';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('notFound');
  return { title: t('title') };
}

export default async function NotFound() {
  const t = await getTranslations();
  return (
    <main>
      <StatusView code={t('notFound.code')} title={t('notFound.title')} text={t('notFound.text')}>
        <Button component={Link} href="/">
          {t('common.toHome')}
        </Button>
      </StatusView>
    </main>
  );
}
