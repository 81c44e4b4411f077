import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { json, problem, renderWithProviders, testApi } from '@/test/render';
import {
  ADMIN,
  AGENCY_DIRECTORY,
  AGENT_ID,
  CLIENT,
  crmGateway,
  deal,
  guid,
  POLICY_ID,
  payment,
  policy,
} from './crm-fixtures';
import { DealDetailScreen } from './deal-detail.screen';

vi.mock('next/navigation', () => ({ useRouter: () => ({ push: vi.fn() }), usePathname: () => '/deals/x' }));

const DEAL = {
  ...deal(1, 'proposal', { title: 'КАСКО для Ромашки', nextReviewAt: '2099-01-01' }),
  suggestedNextReviewAt: '2099-03-01',
};
const BASE = `/crm/deals/${DEAL.id}`;

describe('DealDetailScreen', () => {
  it('shows the header with the client and parks the deal until its next event', async () => {
    let parked: unknown;
    const api = testApi(
      crmGateway((call, path) => {
        if (path === BASE) return json(parked ? { ...DEAL, nextReviewAt: '2099-03-01' } : DEAL);
        if (path === `/crm/clients/${CLIENT.id}`) return json(CLIENT);
        if (path === `${BASE}/journal`) return json({ items: [], total: 0 });
        if (path === `${BASE}/participants`) return json([]);
        if (path === `${BASE}/park` && call.method === 'POST') {
          parked = call.body;
          return json({ ...DEAL, nextReviewAt: '2099-03-01', version: 4 });
        }
        return undefined;
      }),
    );
    renderWithProviders(<DealDetailScreen dealId={DEAL.id} />, { api });
    expect(await screen.findByRole('heading', { name: 'КАСКО для Ромашки' })).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: CLIENT.name })).toHaveAttribute('href', `/clients/${CLIENT.id}`);
    expect(screen.getByText('Ближайшее событие: 1 мар. 2099 г.')).toBeInTheDocument();
    expect(await screen.findByText('Записей пока нет.')).toBeInTheDocument();

    await userEvent.setup().click(screen.getByRole('button', { name: 'Отложить до события' }));
    expect(await screen.findByText('Сделка отложена до 1 мар. 2099 г.')).toBeInTheDocument();
    expect(parked).toEqual({ version: 3 });
    for (const tab of ['Расчёты', 'Полисы и платежи', 'Задачи', 'Документы']) {
      expect(screen.getByRole('tab', { name: tab })).toBeInTheDocument();
    }
  });

  describe('owner', () => {
    function gateway(asAdmin: boolean) {
      return testApi(
        crmGateway((call, path) => {
          if (path === '/auth/me' && asAdmin) return json(ADMIN);
          if (path === '/users/directory') return json(AGENCY_DIRECTORY);
          if (path === BASE && call.method === 'PATCH') {
            return json({ ...DEAL, ...(call.body as object), version: 4 });
          }
          if (path === BASE) return json(DEAL);
          if (path === `/crm/clients/${CLIENT.id}`) return json(CLIENT);
          if (path === `${BASE}/journal`) return json({ items: [], total: 0 });
          if (path === `${BASE}/participants`) return json([]);
          return undefined;
        }),
      );
    }

    it('is read-only text for an agent', async () => {
      const api = gateway(false);
      renderWithProviders(<DealDetailScreen dealId={DEAL.id} />, { api });
      expect(await screen.findByText('Анна Петрова')).toBeInTheDocument();
      expect(api.fetch.calls.some((call) => call.url.endsWith('/auth/me'))).toBe(true);
      expect(screen.queryByRole('textbox', { name: 'Ответственный' })).not.toBeInTheDocument();
    });

    it('is changed by an admin among the sales agents, with the version read', async () => {
      const api = gateway(true);
      renderWithProviders(<DealDetailScreen dealId={DEAL.id} />, { api });
      const user = userEvent.setup();
      const select = await screen.findByRole('textbox', { name: 'Ответственный' });
      await waitFor(() => expect(select).toHaveValue('Анна Петрова'));
      await user.click(select);
      expect((await screen.findAllByRole('option')).map((option) => option.textContent)).toEqual([
        'Без ответственного',
        'Анна Петрова',
        'Ольга Кузнецова',
      ]);
      await user.click(screen.getByRole('option', { name: 'Ольга Кузнецова' }));
      await waitFor(() =>
        expect(api.fetch.calls.find((call) => call.method === 'PATCH')?.body).toEqual({
          ownerId: AGENT_ID,
          version: 3,
        }),
      );
    });
  });

  it('says so when the deal is not there', async () => {
    const api = testApi(crmGateway((_call, path) => (path === BASE ? problem(404, 'deal_not_found') : undefined)));
    renderWithProviders(<DealDetailScreen dealId={DEAL.id} />, { api });
    expect(await screen.findByText('Сделка не найдена или недоступна.')).toBeInTheDocument();
  });

  it('appends to the journal', async () => {
    const entries: { id: string; dealId: string; authorId: string; body: string; createdAt: string }[] = [];
    const api = testApi(
      crmGateway((call, path) => {
        if (path === BASE) return json(DEAL);
        if (path === `/crm/clients/${CLIENT.id}`) return json(CLIENT);
        if (path === `${BASE}/participants`) return json([]);
        if (path === `${BASE}/journal` && call.method === 'POST') {
          const entry = {
            id: guid(70),
            dealId: DEAL.id,
            authorId: DEAL.ownerId ?? '',
            body: (call.body as { body: string }).body,
            createdAt: '2025-05-05T10:00:00.000Z',
          };
          entries.push(entry);
          return json(entry, 201);
        }
        if (path === `${BASE}/journal`) return json({ items: entries, total: entries.length });
        return undefined;
      }),
    );
    renderWithProviders(<DealDetailScreen dealId={DEAL.id} />, { api });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Новая запись'), 'Клиент выбрал СОГАЗ');
    await user.click(screen.getByRole('button', { name: 'Добавить запись' }));
    expect(await screen.findByText('Клиент выбрал СОГАЗ')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByLabelText('Новая запись')).toHaveValue(''));
  });

  it('lists the deal’s policies with the payments of an opened one', async () => {
    const api = testApi(
      crmGateway((call, path) => {
        const query = new URL(call.url).searchParams;
        if (path === BASE) return json(DEAL);
        if (path === `/crm/clients/${CLIENT.id}`) return json(CLIENT);
        if (path === `${BASE}/journal`) return json({ items: [], total: 0 });
        if (path === `${BASE}/participants`) return json([]);
        if (path === '/crm/policies' && query.get('dealId') === DEAL.id) {
          return json({ items: [policy({ dealId: DEAL.id })], nextCursor: null });
        }
        if (path === `${BASE}/policies/${POLICY_ID}/payments`) {
          return json({ items: [payment({ dealId: DEAL.id, status: 'paid', actualDate: '2025-04-02' })], total: 1 });
        }
        if (path === `/crm/policies/${POLICY_ID}/documents`) return json([]);
        if (path === '/documents') return json([]);
        return undefined;
      }),
    );
    renderWithProviders(<DealDetailScreen dealId={DEAL.id} />, { api });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('tab', { name: 'Полисы и платежи' }));
    expect(await screen.findByText('Полис № ААА-100')).toBeInTheDocument();
    expect(await screen.findByText('Платёж № 1')).toBeInTheDocument();
    expect(screen.getByText('Оплачен 2 апр. 2025 г.')).toBeInTheDocument();
    expect(screen.getByText('Комиссия: 10.00 %')).toBeInTheDocument();
    // The opened policy's documents: its own folder, the links it has, and the deal folder to link from.
    expect(await screen.findByText('К полису пока не привязаны документы.')).toBeInTheDocument();
    const folders = api.fetch.calls
      .map((call) => new URL(call.url))
      .filter((url) => url.pathname === '/api/v1/documents')
      .map((url) => `${url.searchParams.get('ownerType')}:${url.searchParams.get('ownerId')}`);
    expect(folders).toEqual(expect.arrayContaining([`policy:${POLICY_ID}`, `deal:${DEAL.id}`]));
  });
});
