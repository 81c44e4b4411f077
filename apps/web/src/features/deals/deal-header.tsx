'use client';

import { Anchor, Badge, Button, Group, Menu, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { DealDetail, DealStage } from '@polis/contracts';
import Link from 'next/link';
import { useLocale, useTranslations } from 'next-intl';
import { type FormEvent, useState } from 'react';
import { formatDate } from '@/lib/format';
import type { AppLocale } from '@/lib/i18n/locales';
import { useMoveDealStage, useParkDeal, useUpdateDeal } from '@/lib/queries/deals.queries';
import { DealOwnerSelect } from './deal-owner.select';
import { DEAL_STAGES, STAGE_COLORS, todayIso, useCrmError, usePeople, useViewer } from './deal-shared';

/** The top of the deal card: client, stage, owner, next review (with "park until next event"). */
export function DealHeader({ deal, clientName }: { deal: DealDetail; clientName: string | undefined }) {
  const t = useTranslations('dealCard');
  const td = useTranslations('deals');
  const locale = useLocale() as AppLocale;
  const people = usePeople();
  const { isAdmin } = useViewer();
  const crmError = useCrmError();
  const move = useMoveDealStage();
  const park = useParkDeal(deal.id);
  const update = useUpdateDeal(deal.id);
  const [reviewDate, setReviewDate] = useState<string | null>(null);
  const [reviewError, setReviewError] = useState<string | null>(null);
  const overdue = deal.nextReviewAt < todayIso();

  const refused = (title: string) => (error: unknown) =>
    notifications.show({ color: 'red', title, message: crmError(error) });

  const moveTo = (stage: DealStage) =>
    move.mutate(
      { deal, stage },
      {
        onSuccess: () =>
          notifications.show({
            color: 'green',
            message: td('board.moved', { title: deal.title, stage: td(`stages.${stage}`) }),
          }),
        onError: refused(td('board.moveRefused', { title: deal.title })),
      },
    );

  const saveReview = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (reviewDate === null) return;
    setReviewError(null);
    update.mutate(
      { nextReviewAt: reviewDate, version: deal.version },
      {
        onSuccess: () => setReviewDate(null),
        onError: (error) => setReviewError(crmError(error)),
      },
    );
  };

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Anchor component={Link} href="/deals" size="sm">
            ← {t('back')}
          </Anchor>
          <Title order={1} style={{ overflowWrap: 'anywhere' }}>
            {deal.title}
          </Title>
          <Group gap="xs">
            <Badge color={STAGE_COLORS[deal.stage]} variant="light" size="lg">
              {td(`stages.${deal.stage}`)}
            </Badge>
            {clientName && (
              <Anchor component={Link} href={`/clients/${deal.clientId}`}>
                {clientName}
              </Anchor>
            )}
          </Group>
        </Stack>
        <Menu position="bottom-end">
          <Menu.Target>
            <Button variant="light" loading={move.isPending}>
              {td('board.moveTo')}
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            {DEAL_STAGES.filter((stage) => stage !== deal.stage).map((stage) => (
              <Menu.Item key={stage} onClick={() => moveTo(stage)}>
                {td(`stages.${stage}`)}
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
      </Group>

      <Paper withBorder p="md">
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
          <Stack gap={2}>
            <Text size="xs" c="dimmed">
              {t('owner')}
            </Text>
            {/* Only administrators hand a deal to another owner (the API refuses it to everyone else). */}
            {isAdmin ? (
              <DealOwnerSelect
                aria-label={t('owner')}
                size="xs"
                value={deal.ownerId}
                onChange={(ownerId) => {
                  if (ownerId === deal.ownerId) return;
                  update.mutate({ ownerId, version: deal.version }, { onError: refused(t('ownerFailed')) });
                }}
                disabled={update.isPending}
              />
            ) : (
              <Text>{deal.ownerId ? people.name(deal.ownerId) : td('noOwner')}</Text>
            )}
          </Stack>
          <Stack gap={2}>
            <Text size="xs" c="dimmed">
              {t('status')}
            </Text>
            <Text>{td(`statuses.${deal.status}`)}</Text>
          </Stack>
          <Stack gap={4}>
            <Text size="xs" c="dimmed">
              {t('nextReview')}
            </Text>
            {reviewDate === null ? (
              <Group gap="xs">
                <Text c={overdue ? 'red' : undefined} fw={overdue ? 600 : undefined}>
                  {formatDate(deal.nextReviewAt, locale)}
                  {overdue && ` · ${td('list.overdue')}`}
                </Text>
                <Button size="compact-xs" variant="subtle" onClick={() => setReviewDate(deal.nextReviewAt)}>
                  {t('changeReview')}
                </Button>
              </Group>
            ) : (
              <form onSubmit={saveReview}>
                <Group gap="xs" align="flex-start">
                  <TextInput
                    type="date"
                    size="xs"
                    aria-label={t('nextReview')}
                    value={reviewDate}
                    onChange={(event) => setReviewDate(event.currentTarget.value)}
                    error={reviewError}
                  />
                  <Button size="xs" type="submit" loading={update.isPending}>
                    {t('save')}
                  </Button>
                  <Button size="xs" variant="default" onClick={() => setReviewDate(null)}>
                    {t('cancel')}
                  </Button>
                </Group>
              </form>
            )}
            {deal.suggestedNextReviewAt && deal.suggestedNextReviewAt !== deal.nextReviewAt ? (
              <Group gap="xs">
                <Text size="xs" c="dimmed">
                  {t('suggestion', { date: formatDate(deal.suggestedNextReviewAt, locale) })}
                </Text>
                <Button
                  size="compact-xs"
                  variant="light"
                  loading={park.isPending}
                  onClick={() =>
                    park.mutate(deal.version, {
                      onSuccess: (parked) =>
                        notifications.show({
                          color: 'green',
                          message: t('parked', { date: formatDate(parked.nextReviewAt, locale) }),
                        }),
                      onError: refused(t('parkFailed')),
                    })
                  }
                >
                  {t('park')}
                </Button>
              </Group>
            ) : (
              !deal.suggestedNextReviewAt && (
                <Text size="xs" c="dimmed">
                  {t('noSuggestion')}
                </Text>
              )
            )}
          </Stack>
        </SimpleGrid>
        {deal.description && (
          <Text mt="md" style={{ whiteSpace: 'pre-wrap' }}>
            {deal.description}
          </Text>
        )}
      </Paper>
    </Stack>
  );
}
