import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { CLIENT, crmGateway, deal, policy } from '@/features/deals/crm-fixtures';
import { json, problem, renderWithProviders, testApi } from '@/test/render';
import { ClientDetailScreen } from './client-detail.screen';
import { ClientsScreen } from './clients.screen';

const push = vi.fn();
vi.mock('next/navigation', () => ({ useRouter: () => ({ push }), usePathname: () => '/clients' }));

describe('ClientsScreen', () => {
  it('searches clients by name through the API', async () => {
    const api = testApi(
      crmGateway((call, path) => {
        if (path !== '/crm/clients' || call.method !== 'GET') return undefined;
        const search = new URL(call.url).searchParams.get('search');
        return json({ items: search === 'нет такого' ? [] : [CLIENT], nextCursor: null });
      }),
    );
    renderWithProviders(<ClientsScreen />, { api });
    const table = await screen.findByRole('table', { name: 'Клиенты' });
    expect(within(table).getByRole('link', { name: CLIENT.name })).toHaveAttribute('href', `/clients/${CLIENT.id}`);
    expect(within(table).getByText('Компания')).toBeInTheDocument();

    await userEvent.setup().type(screen.getByRole('searchbox', { name: 'Поиск' }), 'нет такого');
    expect(await screen.findByText('Клиенты не найдены.')).toBeInTheDocument();
  });

  it('creates a client and shows a refused email at the field', async () => {
    const api = testApi(
      crmGateway((call, path) =>
        path === '/crm/clients' && call.method === 'POST'
          ? problem(400, 'validation_error', {
              errors: [{ field: 'email', message: 'is already used by another client' }],
            })
          : undefined,
      ),
    );
    renderWithProviders(<ClientsScreen />, { api });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Новый клиент' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText(/^Email/), 'not-an-email');
    await user.click(within(dialog).getByRole('button', { name: 'Создать клиента' }));
    // Name is required and the email malformed: the contract refuses both before sending.
    expect(await within(dialog).findByText('Заполните это поле')).toBeInTheDocument();
    expect(within(dialog).getByText('Введите корректный email')).toBeInTheDocument();

    await user.type(within(dialog).getByLabelText(/^Имя или название/), 'ИП Смирнов');
    await user.clear(within(dialog).getByLabelText(/^Email/));
    await user.type(within(dialog).getByLabelText(/^Email/), 'smirnov@mail.test');
    await user.click(within(dialog).getByRole('button', { name: 'Создать клиента' }));
    expect(await within(dialog).findByText('is already used by another client')).toBeInTheDocument();
    const post = api.fetch.calls.find((call) => call.method === 'POST');
    expect(post?.body).toEqual({
      name: 'ИП Смирнов',
      email: 'smirnov@mail.test',
      phone: null,
      type: 'individual',
      status: 'active',
    });
  });
});

describe('ClientDetailScreen', () => {
  it('shows contacts, the client’s deals and policies', async () => {
    const api = testApi(
      crmGateway((call, path) => {
        const query = new URL(call.url).searchParams;
        if (path === `/crm/clients/${CLIENT.id}`) return json(CLIENT);
        if (path === '/crm/deals' && query.get('clientId') === CLIENT.id) {
          return json({ items: [deal(1, 'negotiation', { title: 'ОСАГО парка' })], nextCursor: null });
        }
        if (path === '/crm/policies' && query.get('clientId') === CLIENT.id) {
          return json({ items: [policy()], nextCursor: null });
        }
        if (path === '/documents') return json([]);
        return undefined;
      }),
    );
    renderWithProviders(<ClientDetailScreen clientId={CLIENT.id} />, { api });
    expect(await screen.findByRole('heading', { name: CLIENT.name })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: CLIENT.phone ?? '' })).toHaveAttribute('href', 'tel:+74950000000');
    expect(screen.getByRole('link', { name: CLIENT.email ?? '' })).toHaveAttribute('href', `mailto:${CLIENT.email}`);
    const deals = await screen.findByRole('table', { name: 'Сделки' });
    expect(within(deals).getByText('Переговоры')).toBeInTheDocument();
    const policies = await screen.findByRole('table', { name: 'Полисы' });
    await waitFor(() => expect(within(policies).getByRole('link', { name: 'ААА-100' })).toBeInTheDocument());
    expect(within(policies).getByText(/100\s000,00\s₽/)).toBeInTheDocument();
  });
});
