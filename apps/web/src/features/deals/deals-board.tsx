'use client';

import {
  DndContext,
  type DragEndEvent,
  DragOverlay,
  type DragStartEvent,
  KeyboardSensor,
  PointerSensor,
  type UniqueIdentifier,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import { Badge, Box, Button, Group, ScrollArea, Stack, Text, Title } from '@mantine/core';
import type { Deal, DealStage, StageMetric } from '@polis/contracts';
import { useTranslations } from 'next-intl';
import { memo, useMemo, useState } from 'react';
import { formatMoney } from '@/lib/format';
import { DealCard } from './deal-card';
import { DEAL_STAGES, STAGE_COLORS } from './deal-shared';

/** Cards rendered per column before "show more": keeps 1,000 deals light on the page. */
export const COLUMN_PAGE = 50;

export interface BoardDeal {
  deal: Deal;
  /** The column it shows in: its stage, or the target of a move in flight. */
  stage: DealStage;
  pending: boolean;
}

export interface DealsBoardProps {
  deals: readonly BoardDeal[];
  metrics: ReadonlyMap<DealStage, StageMetric> | null;
  today: string;
  clientName: (clientId: string) => string | undefined;
  ownerName: (ownerId: string | null) => string;
  onMove: (deal: Deal, stage: DealStage) => void;
}

/** The stage a drop targets, or null when the card was dropped outside a column or in its own. */
export function dropTarget(event: Pick<DragEndEvent, 'active' | 'over'>, deals: readonly BoardDeal[]) {
  const stage = event.over?.id;
  if (typeof stage !== 'string' || !(DEAL_STAGES as readonly string[]).includes(stage)) return null;
  const item = deals.find((entry) => entry.deal.id === event.active.id);
  if (!item || item.stage === stage) return null;
  return { deal: item.deal, stage: stage as DealStage };
}

/** The kanban: one droppable column per stage, cards dragged by their handle. */
export function DealsBoard({ deals, metrics, today, clientName, ownerName, onMove }: DealsBoardProps) {
  const t = useTranslations('deals');
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor),
  );
  const [activeId, setActiveId] = useState<string | null>(null);

  const columns = useMemo(() => {
    const grouped = new Map<DealStage, BoardDeal[]>(DEAL_STAGES.map((stage) => [stage, []]));
    for (const item of deals) grouped.get(item.stage)?.push(item);
    return grouped;
  }, [deals]);
  const active = activeId ? deals.find((item) => item.deal.id === activeId) : undefined;

  const titleOf = (id: UniqueIdentifier) => deals.find((item) => item.deal.id === id)?.deal.title ?? '';
  const stageName = (id: UniqueIdentifier) =>
    (DEAL_STAGES as readonly UniqueIdentifier[]).includes(id) ? t(`stages.${id as DealStage}`) : String(id);
  const onDragStart = (event: DragStartEvent) => setActiveId(String(event.active.id));
  const onDragEnd = (event: DragEndEvent) => {
    setActiveId(null);
    const target = dropTarget(event, deals);
    if (target) onMove(target.deal, target.stage);
  };

  return (
    <DndContext
      sensors={sensors}
      onDragStart={onDragStart}
      onDragEnd={onDragEnd}
      onDragCancel={() => setActiveId(null)}
      accessibility={{
        screenReaderInstructions: { draggable: t('board.dragInstructions') },
        announcements: {
          onDragStart: ({ active }) => t('board.announce.start', { title: titleOf(active.id) }),
          onDragOver: ({ active, over }) =>
            over
              ? t('board.announce.over', { title: titleOf(active.id), stage: stageName(over.id) })
              : t('board.announce.outside', { title: titleOf(active.id) }),
          onDragEnd: ({ active, over }) =>
            over
              ? t('board.announce.end', { title: titleOf(active.id), stage: stageName(over.id) })
              : t('board.announce.cancel', { title: titleOf(active.id) }),
          onDragCancel: ({ active }) => t('board.announce.cancel', { title: titleOf(active.id) }),
        },
      }}
    >
      <ScrollArea type="auto" offsetScrollbars>
        <Group align="flex-start" wrap="nowrap" gap="sm" pb="sm">
          {DEAL_STAGES.map((stage) => (
            <BoardColumn
              key={stage}
              stage={stage}
              items={columns.get(stage) ?? []}
              metric={metrics?.get(stage)}
              today={today}
              clientName={clientName}
              ownerName={ownerName}
              onMove={onMove}
            />
          ))}
        </Group>
      </ScrollArea>
      <DragOverlay>
        {active && (
          <DealCard
            deal={active.deal}
            stage={active.stage}
            clientName={clientName(active.deal.clientId)}
            ownerName={ownerName(active.deal.ownerId)}
            overdue={active.deal.nextReviewAt < today}
            pending={false}
            onMove={onMove}
          />
        )}
      </DragOverlay>
    </DndContext>
  );
}

interface BoardColumnProps {
  stage: DealStage;
  items: readonly BoardDeal[];
  metric: StageMetric | undefined;
  today: string;
  clientName: (clientId: string) => string | undefined;
  ownerName: (ownerId: string | null) => string;
  onMove: (deal: Deal, stage: DealStage) => void;
}

const BoardColumn = memo(function BoardColumn({
  stage,
  items,
  metric,
  today,
  clientName,
  ownerName,
  onMove,
}: BoardColumnProps) {
  const t = useTranslations('deals');
  const { setNodeRef, isOver } = useDroppable({ id: stage });
  const [shown, setShown] = useState(COLUMN_PAGE);
  const headingId = `stage-${stage}`;
  // The stage metrics count every matching deal; without them (filtered here) the loaded cards are counted.
  const count = metric?.count ?? items.length;
  return (
    <Box
      ref={setNodeRef}
      component="section"
      aria-labelledby={headingId}
      w={{ base: 260, md: 280 }}
      miw={260}
      p="xs"
      bg={isOver ? 'var(--mantine-color-indigo-light)' : 'var(--mantine-color-gray-light)'}
      style={{ borderRadius: 'var(--mantine-radius-md)', flexShrink: 0 }}
      data-testid={`column-${stage}`}
    >
      <Stack gap={4} mb="xs">
        <Group justify="space-between" wrap="nowrap">
          <Title order={2} size="h5" id={headingId}>
            {t(`stages.${stage}`)}
          </Title>
          <Badge color={STAGE_COLORS[stage]} variant="light" aria-label={t('board.count', { count })}>
            {count}
          </Badge>
        </Group>
        {metric && (
          <Text size="xs" c="dimmed">
            {t('board.total', { total: formatMoney(metric.totalValue as `${number}`) })}
          </Text>
        )}
      </Stack>
      <Stack gap={6} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {items.slice(0, shown).map((item) => (
          <DraggableDeal
            key={item.deal.id}
            item={item}
            overdue={item.deal.nextReviewAt < today}
            clientName={clientName(item.deal.clientId)}
            ownerName={ownerName(item.deal.ownerId)}
            onMove={onMove}
          />
        ))}
      </Stack>
      {items.length === 0 && (
        <Text size="xs" c="dimmed" ta="center" py="md">
          {t('board.emptyColumn')}
        </Text>
      )}
      {items.length > shown && (
        <Button variant="subtle" size="xs" fullWidth mt="xs" onClick={() => setShown((count) => count + COLUMN_PAGE)}>
          {t('board.showMore', { count: items.length - shown })}
        </Button>
      )}
    </Box>
  );
});

interface DraggableDealProps {
  item: BoardDeal;
  overdue: boolean;
  clientName: string | undefined;
  ownerName: string;
  onMove: (deal: Deal, stage: DealStage) => void;
}

/** The thin draggable shell; the card inside is memoised on its deal. */
const DraggableDeal = memo(function DraggableDeal({
  item,
  overdue,
  clientName,
  ownerName,
  onMove,
}: DraggableDealProps) {
  const { setNodeRef, listeners, attributes, isDragging } = useDraggable({ id: item.deal.id });
  // dnd-kit keeps both objects stable between renders, so the memoised card is not re-rendered.
  const handleProps = useMemo(() => ({ ...attributes, ...listeners }), [attributes, listeners]);
  return (
    <li ref={setNodeRef} style={{ opacity: isDragging ? 0.4 : 1 }}>
      <DealCard
        deal={item.deal}
        stage={item.stage}
        clientName={clientName}
        ownerName={ownerName}
        overdue={overdue}
        pending={item.pending}
        onMove={onMove}
        handleProps={handleProps}
      />
    </li>
  );
});
