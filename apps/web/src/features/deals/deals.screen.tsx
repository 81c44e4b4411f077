'use client';

import {
  Alert,
  Button,
  Group,
  Loader,
  MultiSelect,
  SegmentedControl,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { DEAL_PERIODS, DEAL_STATUSES, type Deal, type DealStage, NO_MANAGER, type StageMetric } from '@polis/contracts';
import { useTranslations } from 'next-intl';
import { useCallback, useMemo, useRef, useState } from 'react';
import { LoadError } from '@/components/load-error';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import { useMe } from '@/lib/queries';
import { type DealFilters, useAllDeals, useMoveDealStage, useStageMetrics } from '@/lib/queries/deals.queries';
import { DealCreateDialog } from './deal-create.dialog';
import { todayIso, useClientNames, useCrmError, usePeople } from './deal-shared';
import { type BoardDeal, DealsBoard } from './deals-board';
import { DealsTable, type ReviewSort } from './deals-table';

type View = 'board' | 'list';
/** Server periods plus "overdue" (review date before today), filtered here. */
type PeriodFilter = (typeof DEAL_PERIODS)[number] | 'overdue';
const PERIOD_FILTERS: readonly PeriodFilter[] = ['all', 'overdue', '7d', '30d', '90d'];
const ME = '__ME__';

/** The deals funnel: kanban or list, with filters, search and per-stage counts and sums. */
export function DealsScreen() {
  const t = useTranslations('deals');
  const tc = useTranslations('common');
  const { describe } = useErrorMessages();
  const crmError = useCrmError();
  const me = useMe();
  const people = usePeople();
  const clients = useClientNames();

  const [view, setView] = useState<View>('board');
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search.trim(), 300);
  const [statuses, setStatuses] = useState<string[]>([]);
  const [owner, setOwner] = useState<string | null>(null);
  const [period, setPeriod] = useState<PeriodFilter>('all');
  const [sort, setSort] = useState<ReviewSort>('asc');
  const [createOpen, setCreateOpen] = useState(false);
  /** Moves in flight: the card shows in its target column until the API answers. */
  const [moving, setMoving] = useState<ReadonlyMap<string, DealStage>>(new Map());

  const filters = useMemo<DealFilters>(() => {
    const manager = owner === ME ? me.data?.id : (owner ?? undefined);
    return {
      search: debouncedSearch.length > 0 ? debouncedSearch.slice(0, 200) : undefined,
      status: statuses.length > 0 ? statuses : undefined,
      manager: manager ? [manager] : undefined,
      period: period === 'overdue' || period === 'all' ? undefined : period,
    };
  }, [debouncedSearch, statuses, owner, period, me.data?.id]);

  const deals = useAllDeals(filters);
  const metrics = useStageMetrics(filters);
  const move = useMoveDealStage();
  const today = todayIso();

  const visible = useMemo(() => {
    const items = deals.data?.items ?? [];
    return period === 'overdue' ? items.filter((deal) => deal.nextReviewAt < today) : items;
  }, [deals.data, period, today]);

  // Entries of deals that did not change keep their identity, so their cards skip re-rendering.
  const settledEntries = useRef(new WeakMap<Deal, BoardDeal>());
  const boardDeals = useMemo<BoardDeal[]>(
    () =>
      visible.map((deal) => {
        const target = moving.get(deal.id);
        if (target !== undefined) return { deal, stage: target, pending: true };
        let entry = settledEntries.current.get(deal);
        if (!entry) {
          entry = { deal, stage: deal.stage, pending: false };
          settledEntries.current.set(deal, entry);
        }
        return entry;
      }),
    [visible, moving],
  );
  const sorted = useMemo(() => {
    const items = [...visible];
    items.sort((a, b) => a.nextReviewAt.localeCompare(b.nextReviewAt) || a.title.localeCompare(b.title));
    if (sort === 'desc') items.reverse();
    return items;
  }, [visible, sort]);

  // Server sums cover the server-side filters; with "overdue" (filtered here) they would not match.
  // Moves in flight shift one deal's count from its stage to the target until the API answers.
  const metricsByStage = useMemo(() => {
    if (period === 'overdue' || !metrics.data) return null;
    const byStage = new Map<DealStage, StageMetric>(metrics.data.map((metric) => [metric.stage, { ...metric }]));
    for (const deal of visible) {
      const target = moving.get(deal.id);
      if (target === undefined) continue;
      const from = byStage.get(deal.stage);
      const to = byStage.get(target);
      if (from) from.count = Math.max(0, from.count - 1);
      if (to) to.count += 1;
    }
    return byStage;
  }, [metrics.data, period, visible, moving]);

  // `mutateAsync`: every move settles on its own, even when several are in flight at once.
  const moveAsync = move.mutateAsync;
  const tRef = useRef({ t, crmError });
  tRef.current = { t, crmError };
  const onMove = useCallback(
    (deal: Deal, stage: DealStage) => {
      setMoving((current) => new Map(current).set(deal.id, stage));
      const settle = () =>
        setMoving((current) => {
          const next = new Map(current);
          next.delete(deal.id);
          return next;
        });
      moveAsync({ deal, stage }).then(
        () => {
          settle();
          notifications.show({
            color: 'green',
            message: tRef.current.t('board.moved', { title: deal.title, stage: tRef.current.t(`stages.${stage}`) }),
          });
        },
        (error: unknown) => {
          settle();
          notifications.show({
            color: 'red',
            title: tRef.current.t('board.moveRefused', { title: deal.title }),
            message: tRef.current.crmError(error),
          });
        },
      );
    },
    [moveAsync],
  );

  const clientName = useCallback((id: string) => clients.byId.get(id), [clients.byId]);
  const personName = people.name;
  const ownerName = useCallback((id: string | null) => (id ? personName(id) : t('noOwner')), [personName, t]);
  const stageOf = useCallback((deal: Deal) => moving.get(deal.id) ?? deal.stage, [moving]);

  const ownerOptions = [
    { value: ME, label: t('filters.mine') },
    { value: NO_MANAGER, label: t('filters.noOwner') },
    ...people.options,
  ];

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Stack gap={4}>
          <Title order={1}>{t('title')}</Title>
          <Text c="dimmed">{t('subtitle')}</Text>
        </Stack>
        <Group gap="sm">
          <SegmentedControl
            value={view}
            onChange={(value) => setView(value === 'list' ? 'list' : 'board')}
            data={[
              { value: 'board', label: t('views.board') },
              { value: 'list', label: t('views.list') },
            ]}
            aria-label={t('views.label')}
          />
          <Button onClick={() => setCreateOpen(true)}>{t('create.open')}</Button>
        </Group>
      </Group>

      <Group gap="sm" align="flex-end" wrap="wrap" role="search" aria-label={t('filters.label')}>
        <TextInput
          type="search"
          label={t('filters.search')}
          placeholder={t('filters.searchPlaceholder')}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          w={{ base: '100%', xs: 260 }}
        />
        <MultiSelect
          label={t('filters.status')}
          placeholder={statuses.length === 0 ? t('filters.anyStatus') : undefined}
          data={DEAL_STATUSES.map((status) => ({ value: status, label: t(`statuses.${status}`) }))}
          value={statuses}
          onChange={setStatuses}
          clearable
          w={{ base: '100%', xs: 240 }}
        />
        <Select
          label={t('filters.owner')}
          placeholder={t('filters.anyOwner')}
          data={ownerOptions}
          value={owner}
          onChange={setOwner}
          clearable
          searchable
          w={{ base: '100%', xs: 220 }}
        />
        <Select
          label={t('filters.period')}
          data={PERIOD_FILTERS.map((value) => ({ value, label: t(`periods.${value}`) }))}
          value={period}
          onChange={(value) => setPeriod((value as PeriodFilter | null) ?? 'all')}
          allowDeselect={false}
          w={{ base: '100%', xs: 200 }}
        />
        {deals.isFetching && <Loader size="sm" aria-label={tc('loading')} />}
      </Group>

      {deals.isError && (
        <LoadError
          title={t('loadFailed')}
          message={describe(deals.error)}
          retryLabel={tc('retry')}
          onRetry={() => deals.refetch()}
        />
      )}
      {deals.isPending && !deals.isError && <Loader aria-label={tc('loading')} />}
      {deals.data?.truncated && (
        <Alert color="yellow" variant="light" role="status">
          {t('truncated', { count: deals.data.items.length })}
        </Alert>
      )}

      {deals.data && visible.length === 0 && (
        <Text c="dimmed" role="status">
          {t('empty')}
        </Text>
      )}

      {deals.data &&
        visible.length > 0 &&
        (view === 'board' ? (
          <DealsBoard
            deals={boardDeals}
            metrics={metricsByStage}
            today={today}
            clientName={clientName}
            ownerName={ownerName}
            onMove={onMove}
          />
        ) : (
          <DealsTable
            deals={sorted}
            stageOf={stageOf}
            today={today}
            sort={sort}
            onSortChange={setSort}
            clientName={clientName}
            ownerName={ownerName}
          />
        ))}

      <DealCreateDialog opened={createOpen} onClose={() => setCreateOpen(false)} />
    </Stack>
  );
}
