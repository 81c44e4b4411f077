'use client';

import { Alert, Button, CopyButton, Group, Loader, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useLocale, useTranslations } from 'next-intl';
import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm.dialog';
import { formatDateTime } from '@/lib/format';
import type { AppLocale } from '@/lib/i18n/locales';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import { useRevokeTaskFeed, useRotateTaskFeed, useTaskFeed } from '@/lib/queries/tasks.queries';

/**
 * The personal iCalendar feed Google Calendar or Outlook subscribe to. The server keeps only a hash
 * of its secret, so the address is shown once, right after it is made; rotating makes a new one
 * (the old one stops working), revoking switches the feed off.
 */
export function TaskFeedCard() {
  const t = useTranslations('tasks.feed');
  const locale = useLocale() as AppLocale;
  const feed = useTaskFeed();
  const rotate = useRotateTaskFeed();
  const revoke = useRevokeTaskFeed();
  const { describe } = useErrorMessages();
  const [confirm, setConfirm] = useState<'rotate' | 'revoke' | null>(null);
  const issued = feed.data && rotate.data?.createdAt === feed.data.createdAt ? rotate.data.url : null;
  const failure = rotate.error ?? revoke.error;

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="task-feed-title">
      <Stack gap="sm">
        <Title order={2} size="h5" id="task-feed-title">
          {t('title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('hint')}
        </Text>
        {feed.isPending && <Loader size="sm" aria-label={t('loading')} />}
        {feed.isError && (
          <Text size="sm" c="red" role="alert">
            {describe(feed.error)}
          </Text>
        )}
        {feed.data === null && (
          <Group>
            <Button variant="light" loading={rotate.isPending} onClick={() => rotate.mutate()}>
              {t('create')}
            </Button>
          </Group>
        )}
        {feed.data && (
          <Stack gap="xs">
            {issued ? (
              <Group gap="xs" align="flex-end" wrap="wrap">
                <TextInput
                  label={t('address')}
                  description={t('addressOnce')}
                  value={issued}
                  readOnly
                  style={{ flex: 1 }}
                  miw={240}
                  onFocus={(event) => event.currentTarget.select()}
                />
                <CopyButton value={issued}>
                  {({ copied, copy }) => (
                    <Button variant="light" color={copied ? 'teal' : undefined} onClick={copy}>
                      {copied ? t('copied') : t('copy')}
                    </Button>
                  )}
                </CopyButton>
              </Group>
            ) : (
              <Text size="sm">{t('active', { since: formatDateTime(feed.data.createdAt, locale) })}</Text>
            )}
            <Group gap="xs">
              <Button variant="default" size="xs" onClick={() => setConfirm('rotate')}>
                {issued ? t('rotate') : t('showNew')}
              </Button>
              <Button variant="subtle" color="red" size="xs" onClick={() => setConfirm('revoke')}>
                {t('revoke')}
              </Button>
            </Group>
          </Stack>
        )}
        {failure && (
          <Alert color="red" variant="light" role="alert">
            {describe(failure)}
          </Alert>
        )}
      </Stack>
      <ConfirmDialog
        opened={confirm !== null}
        title={confirm === 'revoke' ? t('revokeTitle') : t('rotateTitle')}
        text={confirm === 'revoke' ? t('revokeText') : t('rotateText')}
        confirmLabel={confirm === 'revoke' ? t('revoke') : t('rotate')}
        color={confirm === 'revoke' ? 'red' : undefined}
        loading={rotate.isPending || revoke.isPending}
        onCancel={() => setConfirm(null)}
        onConfirm={() => {
          const action = confirm === 'revoke' ? revoke : rotate;
          action.mutate(undefined, { onSettled: () => setConfirm(null) });
        }}
      />
    </Paper>
  );
}
