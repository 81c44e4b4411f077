'use client';

import { CRM_EVENT_KEYS, crmEventDataSchemas, type Payment, type PaymentData } from '@polis/contracts';
import { type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useEffect, useRef } from 'react';
import { type DecimalString, formatMoney } from '@/lib/format';
import { useMe } from '@/lib/queries';
import { queryKeys } from '@/lib/queries/query-keys';
import { type EventSourceFactory, type StreamEvent, type StreamToast, useEventStream } from '@/lib/stream';

/** Invalidations of one burst (a payment line change publishes three events) are sent together. */
const COALESCE_MS = 250;
const METRICS: QueryKey = ['deals', 'metrics'];

type PaymentState = Pick<Payment, 'status' | 'actualDate'>;

function isSettled(state: PaymentState): boolean {
  return state.status === 'paid' || state.actualDate !== null;
}

function dealIdOf(data: unknown): string | null {
  return typeof data === 'object' && data !== null && 'dealId' in data && typeof data.dealId === 'string'
    ? data.dealId
    : null;
}

/** What each CRM event makes stale in the cache. */
export function staleKeys(event: StreamEvent): QueryKey[] {
  const dealId = dealIdOf(event.data);
  const type = event.type;
  if (type === 'deal.created' || type === 'deal.deleted' || type === 'deal.updated' || type === 'deal.status.changed') {
    return [queryKeys.dealLists, METRICS, ...(dealId ? [queryKeys.dealRecord(dealId)] : [])];
  }
  if (!dealId && !type.startsWith('client.') && !type.startsWith('policy.')) return [];
  if (type === 'deal.journal.appended' && dealId) return [queryKeys.dealJournal(dealId)];
  if (type.startsWith('deal.calculation.') && dealId) return [queryKeys.dealCalculations(dealId)];
  if (type.startsWith('deal.participant.') && dealId) return [queryKeys.dealParticipants(dealId)];
  if (type.startsWith('deal.payment.') && dealId) return [queryKeys.dealPayments(dealId), METRICS];
  if (type.startsWith('policy.')) return [queryKeys.policies, ...(dealId ? [queryKeys.dealRecord(dealId)] : [])];
  if (type.startsWith('client.')) return [queryKeys.clients];
  return [];
}

export interface DealsLiveUpdatesOptions {
  /** Tests pass a fake EventSource. */
  createEventSource?: EventSourceFactory;
}

/**
 * The `deals` stream for the whole signed-in app (mounted once in the shell): open screens refresh
 * what an event changed, and a toast says "Payment confirmed" when a payment becomes paid.
 */
export function useDealsLiveUpdates(options: DealsLiveUpdatesOptions = {}) {
  const t = useTranslations('dealPayments.live');
  const queryClient = useQueryClient();
  const me = useMe();
  /** The last status seen per payment, so a paid payment that changes again is not announced twice. */
  const seen = useRef(new Map<string, PaymentState>());
  const pending = useRef(new Map<string, QueryKey>());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const invalidate = (keys: readonly QueryKey[]) => {
    for (const key of keys) pending.current.set(JSON.stringify(key), key);
    if (timer.current || pending.current.size === 0) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      const batch = [...pending.current.values()];
      pending.current.clear();
      for (const queryKey of batch) void queryClient.invalidateQueries({ queryKey });
    }, COALESCE_MS);
  };

  /** What the cache last showed of the payment (the payments panel may have loaded it). */
  const cachedState = (payment: PaymentData): PaymentState | undefined => {
    const list = queryClient.getQueryData<Payment[]>(queryKeys.policyPayments(payment.dealId, payment.policyId));
    return list?.find((entry) => entry.id === payment.id);
  };

  const paymentToast = (event: StreamEvent): StreamToast | null => {
    if (event.type !== 'deal.payment.updated' && event.type !== 'deal.payment.created') return null;
    const parsed = crmEventDataSchemas['deal.payment.updated'].safeParse(event.data);
    if (!parsed.success) return null;
    const { payment } = parsed.data;
    const before = seen.current.get(payment.id) ?? cachedState(payment);
    seen.current.set(payment.id, { status: payment.status, actualDate: payment.actualDate });
    if (event.type !== 'deal.payment.updated' || !isSettled(payment) || (before && isSettled(before))) return null;
    return {
      title: t('paidTitle'),
      message: t('paidText', {
        sequence: payment.sequence,
        amount: formatMoney(payment.plannedAmount as DecimalString),
      }),
      color: 'green',
    };
  };

  return useEventStream('deals', {
    enabled: Boolean(me.data),
    events: CRM_EVENT_KEYS,
    createEventSource: options.createEventSource,
    notify: paymentToast,
    onEvent: (event) => invalidate(staleKeys(event)),
  });
}
