'use client';

import { ActionIcon, Alert, Button, Group, Loader, Select, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useLocale, useTranslations } from 'next-intl';
import { useState } from 'react';
import { formatDate } from '@/lib/format';
import type { AppLocale } from '@/lib/i18n/locales';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import { useAddParticipant, useParticipants, useRemoveParticipant } from '@/lib/queries/deals.queries';
import { useCrmError, usePeople } from './deal-shared';

/** The deal team: who works on the deal besides its lead. */
export function DealTeamPanel({ dealId, ownerId }: { dealId: string; ownerId: string | null }) {
  const t = useTranslations('dealCard.team');
  const tc = useTranslations('common');
  const locale = useLocale() as AppLocale;
  const { describe } = useErrorMessages();
  const crmError = useCrmError();
  const people = usePeople();
  const participants = useParticipants(dealId);
  const add = useAddParticipant(dealId);
  const remove = useRemoveParticipant(dealId);
  const [selected, setSelected] = useState<string | null>(null);

  const members = new Set((participants.data ?? []).map((entry) => entry.userId));
  const candidates = people.options.filter((option) => !members.has(option.value) && option.value !== ownerId);
  const failed = (error: unknown) => notifications.show({ color: 'red', title: t('failed'), message: crmError(error) });

  return (
    <Stack gap="sm" component="section" aria-labelledby="deal-team">
      <Title order={2} size="h4" id="deal-team">
        {t('title')}
      </Title>
      {participants.isPending && <Loader size="sm" aria-label={tc('loading')} />}
      {participants.isError && (
        <Alert color="red" variant="light" role="alert">
          {describe(participants.error)}
        </Alert>
      )}
      {participants.data?.length === 0 && <Text c="dimmed">{t('empty')}</Text>}
      <Stack gap={4} component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {participants.data?.map((entry) => (
          <Group component="li" key={entry.userId} justify="space-between" wrap="nowrap">
            <Stack gap={0}>
              <Text>{people.name(entry.userId)}</Text>
              <Text size="xs" c="dimmed">
                {t('since', { date: formatDate(entry.createdAt, locale) })}
              </Text>
            </Stack>
            <ActionIcon
              variant="subtle"
              color="red"
              aria-label={t('remove', { name: people.name(entry.userId) })}
              loading={remove.isPending && remove.variables === entry.userId}
              onClick={() => remove.mutate(entry.userId, { onError: failed })}
            >
              <span aria-hidden>✕</span>
            </ActionIcon>
          </Group>
        ))}
      </Stack>
      <Group gap="xs" align="flex-end" wrap="wrap">
        <Select
          label={t('add')}
          placeholder={t('pick')}
          data={candidates}
          value={selected}
          onChange={setSelected}
          searchable
          w={{ base: '100%', xs: 260 }}
        />
        <Button
          disabled={!selected}
          loading={add.isPending}
          onClick={() => {
            if (!selected) return;
            add.mutate(selected, { onSuccess: () => setSelected(null), onError: failed });
          }}
        >
          {t('addButton')}
        </Button>
      </Group>
    </Stack>
  );
}
