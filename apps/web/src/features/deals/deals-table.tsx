'use client';

import { Anchor, Badge, Button, Stack, Table, Text, UnstyledButton } from '@mantine/core';
import type { Deal, DealStage } from '@polis/contracts';
import Link from 'next/link';
import { useLocale, useTranslations } from 'next-intl';
import { memo, useState } from 'react';
import { formatDate } from '@/lib/format';
import type { AppLocale } from '@/lib/i18n/locales';
import { STAGE_COLORS } from './deal-shared';

const ROWS_PAGE = 100;

export type ReviewSort = 'asc' | 'desc';

export interface DealsTableProps {
  deals: readonly Deal[];
  stageOf: (deal: Deal) => DealStage;
  today: string;
  sort: ReviewSort;
  onSortChange: (sort: ReviewSort) => void;
  clientName: (clientId: string) => string | undefined;
  ownerName: (ownerId: string | null) => string;
}

/** The list view of the funnel, sorted by the next review date, 100 rows at a time. */
export function DealsTable({ deals, stageOf, today, sort, onSortChange, clientName, ownerName }: DealsTableProps) {
  const t = useTranslations('deals');
  const [shown, setShown] = useState(ROWS_PAGE);
  return (
    <Stack gap="xs">
      <Table.ScrollContainer minWidth={640}>
        <Table striped highlightOnHover verticalSpacing="xs" aria-label={t('list.label')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('list.title')}</Table.Th>
              <Table.Th>{t('list.client')}</Table.Th>
              <Table.Th>{t('list.stage')}</Table.Th>
              <Table.Th>{t('list.owner')}</Table.Th>
              <Table.Th aria-sort={sort === 'asc' ? 'ascending' : 'descending'}>
                <UnstyledButton
                  onClick={() => onSortChange(sort === 'asc' ? 'desc' : 'asc')}
                  fw={700}
                  fz="sm"
                  aria-label={t(sort === 'asc' ? 'list.sortDesc' : 'list.sortAsc')}
                >
                  {t('list.nextReview')} {sort === 'asc' ? '↑' : '↓'}
                </UnstyledButton>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {deals.slice(0, shown).map((deal) => (
              <DealRow
                key={deal.id}
                deal={deal}
                stage={stageOf(deal)}
                overdue={deal.nextReviewAt < today}
                clientName={clientName(deal.clientId)}
                ownerName={ownerName(deal.ownerId)}
              />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {deals.length > shown && (
        <Button variant="subtle" onClick={() => setShown((count) => count + ROWS_PAGE)}>
          {t('list.showMore', { count: deals.length - shown })}
        </Button>
      )}
    </Stack>
  );
}

interface DealRowProps {
  deal: Deal;
  stage: DealStage;
  overdue: boolean;
  clientName: string | undefined;
  ownerName: string;
}

const DealRow = memo(function DealRow({ deal, stage, overdue, clientName, ownerName }: DealRowProps) {
  const t = useTranslations('deals');
  const locale = useLocale() as AppLocale;
  return (
    <Table.Tr>
      <Table.Td>
        <Anchor component={Link} href={`/deals/${deal.id}`} fw={600} size="sm">
          {deal.title}
        </Anchor>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{clientName ?? '—'}</Text>
      </Table.Td>
      <Table.Td>
        <Badge color={STAGE_COLORS[stage]} variant="light">
          {t(`stages.${stage}`)}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{ownerName}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" c={overdue ? 'red' : undefined}>
          {formatDate(deal.nextReviewAt, locale)}
          {overdue && ` · ${t('list.overdue')}`}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
});
