'use client';

import { Button, Group, Text } from '@mantine/core';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { StatusView } from '@/components/status.view';

/** The 500 page: a render failed; the digest lets an admin find the server log line. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = useTranslations();
  return (
    <main>
      <StatusView code={t('serverError.code')} title={t('serverError.title')} text={t('serverError.text')}>
        {error.digest && (
          <Text size="sm" c="dimmed">
            {t('serverError.reference', { digest: error.digest })}
          </Text>
        )}
        <Group>
          <Button onClick={reset}>{t('common.retry')}</Button>
          <Button component={Link} href="/" variant="default">
            {t('common.toHome')}
          </Button>
        </Group>
      </StatusView>
    </main>
  );
}
