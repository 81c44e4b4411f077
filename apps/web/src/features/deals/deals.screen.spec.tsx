import { type DealStage, STAGE_TO_STATUS } from '@polis/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { json, problem, renderWithProviders, testApi } from '@/test/render';
import { crmGateway, deal } from './crm-fixtures';
import { DealsScreen } from './deals.screen';
import { dropTarget } from './deals-board';

vi.mock('next/navigation', () => ({ useRouter: () => ({ push: vi.fn() }), usePathname: () => '/deals' }));

const nbsp = /[\u00a0\u202f]/g;
const DEALS = [
  deal(1, 'qualification', { title: 'КАСКО для Ромашки', nextReviewAt: '2000-01-10' }),
  deal(2, 'negotiation', { title: 'ОСАГО парка' }),
  deal(3, 'proposal', { title: 'ДМС сотрудников', nextReviewAt: '2000-02-01' }),
];
const METRICS = [
  { stage: 'qualification', count: 1, totalValue: '150000.50', conversionRate: 0.33, avgCycleDurationDays: 3 },
  { stage: 'negotiation', count: 1, totalValue: '0', conversionRate: 0.33, avgCycleDurationDays: null },
  { stage: 'proposal', count: 1, totalValue: '99.99', conversionRate: 0.33, avgCycleDurationDays: null },
  { stage: 'closedWon', count: 0, totalValue: '0', conversionRate: 0, avgCycleDurationDays: null },
  { stage: 'closedLost', count: 0, totalValue: '0', conversionRate: 0, avgCycleDurationDays: null },
];

/** A stateful CRM double: an accepted move changes what the deal list answers next. */
function setup(onMove: (stage: string) => Response) {
  let items = [...DEALS];
  const api = testApi(
    crmGateway((call, path) => {
      if (path === '/crm/deals' && call.method === 'GET') return json({ items, nextCursor: null });
      if (path === '/crm/deals/stage-metrics') return json(METRICS);
      if (path.endsWith('/stage') && call.method === 'PATCH') {
        const stage = (call.body as { stage: DealStage }).stage;
        const answer = onMove(stage);
        if (answer.ok) {
          const id = path.split('/')[3];
          items = items.map((entry) => (entry.id === id ? { ...entry, stage, status: STAGE_TO_STATUS[stage] } : entry));
        }
        return answer;
      }
      return undefined;
    }),
  );
  renderWithProviders(<DealsScreen />, { api });
  return api;
}

async function moveWithKeyboard(title: string, stage: string) {
  const user = userEvent.setup();
  const trigger = screen.getByRole('button', { name: `Переместить сделку «${title}»` });
  trigger.focus();
  await user.keyboard('{Enter}');
  const item = await screen.findByRole('menuitem', { name: stage });
  item.focus();
  await user.keyboard('{Enter}');
}

describe('DealsScreen funnel', () => {
  it('shows each stage with its count and the sum from the stage metrics', async () => {
    setup(() => json({}));
    const qualification = await screen.findByTestId('column-qualification');
    expect(within(qualification).getByText('КАСКО для Ромашки')).toBeInTheDocument();
    // The sums come from the stage metrics, which may answer after the deal list.
    const sum = await within(qualification).findByText(/Сумма:/);
    expect(sum.textContent?.replace(nbsp, ' ')).toBe('Сумма: 150 000,50 ₽');
    expect(within(screen.getByTestId('column-proposal')).getByText('ДМС сотрудников')).toBeInTheDocument();
    expect(within(qualification).getByLabelText('1 сделка')).toBeInTheDocument();
  });

  it('moves a deal from the keyboard menu: the API is called and the card changes column', async () => {
    const moved = vi.fn((stage: string) => json({ ...deal(1, 'negotiation', { title: 'КАСКО для Ромашки' }), stage }));
    const api = setup(moved);
    await screen.findByText('КАСКО для Ромашки');
    await moveWithKeyboard('КАСКО для Ромашки', 'Переговоры');

    await waitFor(() => expect(moved).toHaveBeenCalledWith('negotiation'));
    const call = api.fetch.calls.find((entry) => entry.method === 'PATCH');
    expect(new URL(call?.url ?? '').pathname).toBe(`/api/v1/crm/deals/${deal(1, 'qualification').id}/stage`);
    expect(call?.body).toEqual({ stage: 'negotiation', version: 3 });
    expect(within(screen.getByTestId('column-negotiation')).getByText('КАСКО для Ромашки')).toBeInTheDocument();
  });

  it('snaps a refused move back and shows the reason the API gave', async () => {
    setup(() => problem(409, 'invalid_status_transition'));
    await screen.findByText('КАСКО для Ромашки');
    await moveWithKeyboard('КАСКО для Ромашки', 'Успешно');

    expect(await screen.findByText('Сделку «КАСКО для Ромашки» нельзя переместить')).toBeInTheDocument();
    expect(screen.getByText(/Такой переход между этапами не разрешён/)).toBeInTheDocument();
    await waitFor(() =>
      expect(within(screen.getByTestId('column-qualification')).getByText('КАСКО для Ромашки')).toBeInTheDocument(),
    );
    expect(within(screen.getByTestId('column-closedWon')).queryByText('КАСКО для Ромашки')).toBeNull();
  });

  it('shows an unknown refusal in the API’s own words', async () => {
    setup(() => problem(409, 'something_new', { detail: 'The insurer blocked this deal.' }));
    await screen.findByText('ОСАГО парка');
    await moveWithKeyboard('ОСАГО парка', 'Предложение');
    expect(await screen.findByText('The insurer blocked this deal.')).toBeInTheDocument();
    expect(within(screen.getByTestId('column-negotiation')).getByText('ОСАГО парка')).toBeInTheDocument();
  });

  it('filters overdue deals in the list view and sorts by the next review', async () => {
    setup(() => json({}));
    const user = userEvent.setup();
    await screen.findByText('КАСКО для Ромашки');
    await user.click(screen.getByText('Список'));
    await user.click(screen.getByRole('textbox', { name: 'Следующий контакт' }));
    await user.click(await screen.findByRole('option', { name: 'Просрочен' }));

    const table = await screen.findByRole('table', { name: 'Список сделок' });
    const titles = () =>
      within(table)
        .getAllByRole('link')
        .map((link) => link.textContent);
    expect(titles()).toEqual(['КАСКО для Ромашки', 'ДМС сотрудников']);
    await user.click(screen.getByRole('button', { name: /сначала поздние/ }));
    expect(titles()).toEqual(['ДМС сотрудников', 'КАСКО для Ромашки']);
  });
});

describe('DealsScreen with a thousand deals', () => {
  it('renders a bounded number of cards per column and loads every page of the list', async () => {
    const many = Array.from({ length: 1000 }, (_, index) => deal(index + 10, 'qualification'));
    const api = testApi(
      crmGateway((call, path) => {
        if (path === '/crm/deals' && call.method === 'GET') {
          const cursor = Number(new URL(call.url).searchParams.get('cursor') ?? '0');
          const next = cursor + 200;
          return json({ items: many.slice(cursor, next), nextCursor: next < many.length ? String(next) : null });
        }
        if (path === '/crm/deals/stage-metrics') {
          return json(
            METRICS.map((metric) => (metric.stage === 'qualification' ? { ...metric, count: 1000 } : metric)),
          );
        }
        return undefined;
      }),
    );
    renderWithProviders(<DealsScreen />, { api });
    const column = await screen.findByTestId('column-qualification');
    expect(await within(column).findByLabelText(/^1\s000 сделок$/)).toBeInTheDocument();
    expect(within(column).getAllByRole('listitem')).toHaveLength(50);
    expect(within(column).getByRole('button', { name: 'Показать ещё (950)' })).toBeInTheDocument();
    expect(api.fetch.calls.filter((call) => call.url.includes('/crm/deals?'))).toHaveLength(5);
  });
});

describe('dropTarget', () => {
  const items = DEALS.map((entry) => ({ deal: entry, stage: entry.stage, pending: false }));
  const active = { id: DEALS[0]?.id ?? '' } as never;

  it('names the deal and the column it was dropped on', () => {
    expect(dropTarget({ active, over: { id: 'negotiation' } as never }, items)).toEqual({
      deal: DEALS[0],
      stage: 'negotiation',
    });
  });

  it('ignores drops outside a column or on the card’s own column', () => {
    expect(dropTarget({ active, over: null }, items)).toBeNull();
    expect(dropTarget({ active, over: { id: 'qualification' } as never }, items)).toBeNull();
  });
});
