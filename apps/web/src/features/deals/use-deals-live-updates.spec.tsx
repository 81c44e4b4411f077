import { notifications } from '@mantine/notifications';
import type { QueryClient } from '@tanstack/react-query';
import { act, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventSourceLike } from '@/lib/stream';
import { renderWithProviders, testApi } from '@/test/render';
import { crmGateway, guid, POLICY_ID, payment } from './crm-fixtures';
import { staleKeys, useDealsLiveUpdates } from './use-deals-live-updates';

/** The browser's EventSource stand-in: the test plays the server. */
class FakeEventSource implements EventSourceLike {
  static latest: FakeEventSource | null = null;
  readyState = 1;
  onopen: ((event: Event) => void) | null = null;
  private readonly listeners = new Map<string, ((event: Event) => void)[]>();

  constructor(readonly url: string) {
    FakeEventSource.latest = this;
  }

  addEventListener(type: string, listener: (event: Event) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.readyState = 2;
  }

  send(type: string, data: unknown, id: string): void {
    const event = new MessageEvent(type, { data: JSON.stringify(data), lastEventId: id });
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}

function LiveUpdates() {
  useDealsLiveUpdates({ createEventSource: (url) => new FakeEventSource(url) });
  return null;
}

const DEAL_ID = guid(1);

// The toasts live in a module-level store that outlasts each rendered tree.
afterEach(() => notifications.clean());

function paymentEvent(overrides: Parameters<typeof payment>[0]) {
  const current = payment(overrides);
  return {
    dealId: DEAL_ID,
    policyId: POLICY_ID,
    payment: { ...current, incomes: current.incomes ?? [], expenses: current.expenses ?? [] },
    actorId: null,
  };
}

async function connected(): Promise<{ source: FakeEventSource; client: QueryClient }> {
  FakeEventSource.latest = null;
  const api = testApi(crmGateway());
  const view = renderWithProviders(<LiveUpdates />, { api });
  await waitFor(() => expect(FakeEventSource.latest).not.toBeNull());
  const source = FakeEventSource.latest as unknown as FakeEventSource;
  expect(source.url).toBe('http://gateway.test/api/v1/streams/deals');
  return { source, client: view.queryClient };
}

describe('useDealsLiveUpdates', () => {
  it('says «Оплата подтверждена» once when a payment becomes paid', async () => {
    const { source } = await connected();
    act(() =>
      source.send('deal.payment.updated', paymentEvent({ status: 'partially_paid', incomesTotal: '1.00' }), '1-0'),
    );
    expect(screen.queryByText('Оплата подтверждена')).toBeNull();

    act(() =>
      source.send(
        'deal.payment.updated',
        paymentEvent({ status: 'paid', incomesTotal: '33333.33', actualDate: '2025-04-02' }),
        '2-0',
      ),
    );
    expect(await screen.findByText('Оплата подтверждена')).toBeInTheDocument();
    expect(screen.getByText(/Платёж № 1 на 33\s333,33\s₽ оплачен/)).toBeInTheDocument();

    // A later change of the same paid payment (an expense line) is not announced again.
    act(() =>
      source.send(
        'deal.payment.updated',
        paymentEvent({ status: 'paid', expensesTotal: '10.00', actualDate: '2025-04-02' }),
        '3-0',
      ),
    );
    expect(screen.getAllByText('Оплата подтверждена')).toHaveLength(1);
  });

  it('announces a payment closed by hand (actual date set) that the cache showed as open', async () => {
    const { source, client } = await connected();
    client.setQueryData(['deals', 'detail', DEAL_ID, 'payments', POLICY_ID], [payment({ status: 'scheduled' })]);
    act(() =>
      source.send('deal.payment.updated', paymentEvent({ status: 'scheduled', actualDate: '2025-04-05' }), '4-0'),
    );
    expect(await screen.findByText('Оплата подтверждена')).toBeInTheDocument();
  });

  it('refreshes what an event changed', async () => {
    const { source, client } = await connected();
    const journalKey = ['deals', 'detail', DEAL_ID, 'journal'];
    const otherKey = ['deals', 'detail', guid(2), 'journal'];
    client.setQueryData(journalKey, { pages: [], pageParams: [] });
    client.setQueryData(otherKey, { pages: [], pageParams: [] });
    act(() =>
      source.send(
        'deal.journal.appended',
        {
          dealId: DEAL_ID,
          entryId: guid(3),
          authorId: guid(4),
          body: 'Позвонил клиенту',
          createdAt: '2025-01-01T00:00:00Z',
        },
        '5-0',
      ),
    );
    await waitFor(() => expect(client.getQueryState(journalKey)?.isInvalidated).toBe(true));
    expect(client.getQueryState(otherKey)?.isInvalidated).toBe(false);
  });
});

describe('staleKeys', () => {
  it('maps CRM events to the queries they change', () => {
    expect(staleKeys({ type: 'deal.status.changed', id: '1', data: { dealId: DEAL_ID } })).toEqual([
      ['deals', 'list'],
      ['deals', 'metrics'],
      ['deals', 'detail', DEAL_ID, 'record'],
    ]);
    expect(staleKeys({ type: 'deal.payment.income.created', id: '1', data: { dealId: DEAL_ID } })).toEqual([
      ['deals', 'detail', DEAL_ID, 'payments'],
      ['deals', 'metrics'],
    ]);
    expect(staleKeys({ type: 'client.updated', id: '1', data: { clientId: guid(9) } })).toEqual([['clients']]);
    expect(staleKeys({ type: 'unknown.event', id: '1', data: {} })).toEqual([]);
  });
});
