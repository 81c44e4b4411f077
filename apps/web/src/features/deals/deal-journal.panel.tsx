'use client';

import { Alert, Button, Loader, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { useLocale, useTranslations } from 'next-intl';
import { type FormEvent, useState } from 'react';
import { formatDateTime } from '@/lib/format';
import type { AppLocale } from '@/lib/i18n/locales';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import { useAppendJournal, useJournal } from '@/lib/queries/deals.queries';
import { usePeople } from './deal-shared';
import { useCrmFormErrors } from './form-helpers';

/** The deal journal: read the entries (oldest first) and append a new one. */
export function DealJournalPanel({ dealId }: { dealId: string }) {
  const t = useTranslations('dealCard.journal');
  const tc = useTranslations('common');
  const locale = useLocale() as AppLocale;
  const { describe } = useErrorMessages();
  const people = usePeople();
  const journal = useJournal(dealId);
  const append = useAppendJournal(dealId);
  const form = useCrmFormErrors();
  const [body, setBody] = useState('');

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    form.clear();
    append.mutate(body, { onSuccess: () => setBody(''), onError: form.show });
  };

  const entries = journal.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Stack gap="sm" component="section" aria-labelledby="deal-journal">
      <Title order={2} size="h4" id="deal-journal">
        {t('title')}
      </Title>
      {journal.isPending && <Loader size="sm" aria-label={tc('loading')} />}
      {journal.isError && (
        <Alert color="red" variant="light" role="alert">
          {describe(journal.error)}
        </Alert>
      )}
      {journal.data && entries.length === 0 && <Text c="dimmed">{t('empty')}</Text>}
      <Stack gap="xs" component="ol" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {entries.map((entry) => (
          <Paper component="li" key={entry.id} withBorder p="sm">
            <Text size="xs" c="dimmed">
              {people.name(entry.authorId)} · {formatDateTime(entry.createdAt, locale)}
            </Text>
            <Text style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{entry.body}</Text>
          </Paper>
        ))}
      </Stack>
      {journal.hasNextPage && (
        <Button variant="subtle" loading={journal.isFetchingNextPage} onClick={() => journal.fetchNextPage()}>
          {t('more')}
        </Button>
      )}
      <form onSubmit={submit} noValidate>
        <Stack gap="xs">
          {form.formError && (
            <Alert color="red" variant="light" role="alert">
              {form.formError}
            </Alert>
          )}
          <Textarea
            label={t('add')}
            autosize
            minRows={2}
            maxRows={8}
            value={body}
            onChange={(event) => setBody(event.currentTarget.value)}
            error={form.errors.body}
          />
          <Button type="submit" loading={append.isPending} style={{ alignSelf: 'flex-start' }}>
            {t('submit')}
          </Button>
        </Stack>
      </form>
    </Stack>
  );
}
