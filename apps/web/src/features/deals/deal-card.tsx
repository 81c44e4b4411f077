'use client';

import { ActionIcon, Badge, Group, Menu, Paper, Stack, Text } from '@mantine/core';
import type { Deal, DealStage } from '@polis/contracts';
import Link from 'next/link';
import { useLocale, useTranslations } from 'next-intl';
import { type HTMLAttributes, memo } from 'react';
import { formatDate } from '@/lib/format';
import type { AppLocale } from '@/lib/i18n/locales';
import { DEAL_STAGES, STAGE_COLORS } from './deal-shared';

export interface DealCardProps {
  deal: Deal;
  /** The stage the card is shown in (differs from `deal.stage` while a move is in flight). */
  stage: DealStage;
  clientName: string | undefined;
  ownerName: string;
  overdue: boolean;
  pending: boolean;
  onMove: (deal: Deal, stage: DealStage) => void;
  /** Pointer and keyboard handlers of the drag handle (absent in the drag overlay). */
  handleProps?: HTMLAttributes<HTMLButtonElement>;
}

/**
 * One lean card of the funnel. Memoised: a move or a refetch re-renders only the cards whose deal
 * object changed (the query cache keeps unchanged deals identical).
 */
export const DealCard = memo(function DealCard({
  deal,
  stage,
  clientName,
  ownerName,
  overdue,
  pending,
  onMove,
  handleProps,
}: DealCardProps) {
  const t = useTranslations('deals');
  const locale = useLocale() as AppLocale;
  return (
    <Paper withBorder p="xs" radius="sm" shadow="xs" opacity={pending ? 0.6 : 1} aria-busy={pending || undefined}>
      <Group gap={6} wrap="nowrap" align="flex-start">
        <ActionIcon
          variant="subtle"
          color="gray"
          size="sm"
          aria-label={t('board.dragHandle', { title: deal.title })}
          style={{ cursor: 'grab', touchAction: 'none' }}
          {...handleProps}
        >
          <span aria-hidden>⠿</span>
        </ActionIcon>
        <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
          <Text component={Link} href={`/deals/${deal.id}`} fw={600} size="sm" lineClamp={2} c="inherit">
            {deal.title}
          </Text>
          {clientName && (
            <Text size="xs" c="dimmed" truncate>
              {clientName}
            </Text>
          )}
          <Group gap={6} wrap="wrap">
            <Text size="xs" c={overdue ? 'red' : 'dimmed'}>
              {overdue
                ? t('card.overdue', { date: formatDate(deal.nextReviewAt, locale) })
                : t('card.review', { date: formatDate(deal.nextReviewAt, locale) })}
            </Text>
            <Text size="xs" c="dimmed" truncate>
              {ownerName}
            </Text>
          </Group>
        </Stack>
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            <ActionIcon variant="subtle" color="gray" size="sm" aria-label={t('board.moveMenu', { title: deal.title })}>
              <span aria-hidden>⋯</span>
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Label>{t('board.moveTo')}</Menu.Label>
            {DEAL_STAGES.filter((option) => option !== stage).map((option) => (
              <Menu.Item
                key={option}
                onClick={() => onMove(deal, option)}
                leftSection={<Badge size="xs" circle color={STAGE_COLORS[option]} />}
              >
                {t(`stages.${option}`)}
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
      </Group>
    </Paper>
  );
});
