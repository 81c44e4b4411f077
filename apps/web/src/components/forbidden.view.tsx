'use client';

import { Button } from '@mantine/core';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { StatusView } from './status.view';

/** The 403 page: shown in place of a screen the user's roles do not open. */
export function ForbiddenView() {
  const t = useTranslations();
  return (
    <StatusView code={t('forbidden.code')} title={t('forbidden.title')} text={t('forbidden.text')}>
      <Button component={Link} href="/">
        {t('common.toHome')}
      </Button>
    </StatusView>
  );
}
