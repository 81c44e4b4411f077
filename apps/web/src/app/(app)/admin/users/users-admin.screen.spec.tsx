import { ROLES as ROLE_NAMES } from '@polis/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { RequireRole } from '@/components/require-role';
import { type FetchCall, json, renderWithProviders, testApi } from '@/test/render';
import { UsersAdminScreen } from './users-admin.screen';

const role = (name: string, id: string) => ({ id, name, description: null });
const USER_ROLE = role('ROLE_USER', '11111111-1111-1111-1111-111111111111');
const ADMIN_ROLE = role('ROLE_ADMIN', '22222222-2222-2222-2222-222222222222');
const EXECUTOR_ROLE = role('ROLE_EXECUTOR', '44444444-4444-4444-4444-444444444444');

function person(id: string, fullName: string, email: string, roles = [USER_ROLE], status = 'active') {
  return {
    id,
    email,
    fullName,
    phone: null,
    enabled: status === 'active',
    status,
    roles,
    telegramLinked: false,
    lastLoginAt: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
  };
}

const ADMIN = person('0b6f3f5e-9a4b-4c53-8d7e-3f1d2c4b5a69', 'Главный Админ', 'admin@agency.test', [
  USER_ROLE,
  ADMIN_ROLE,
]);
const IVAN = person('6a0e7d34-2f4b-4c8e-9a55-0d2b8c1e7f10', 'Иван Сидоров', 'ivan@agency.test', [
  USER_ROLE,
  EXECUTOR_ROLE,
]);

function gateway(me = ADMIN) {
  return testApi((call: FetchCall) => {
    const url = new URL(call.url);
    if (url.pathname === '/api/v1/auth/me') return json(me);
    if (url.pathname === '/api/v1/roles') return json([USER_ROLE, ADMIN_ROLE, EXECUTOR_ROLE]);
    if (url.pathname === '/api/v1/users' && call.method === 'GET') {
      const search = url.searchParams.get('search');
      const items = [ADMIN, IVAN].filter((user) => !search || user.fullName.includes(search));
      return json({ items, total: items.length });
    }
    if (url.pathname === `/api/v1/users/${IVAN.id}` && call.method === 'PATCH') {
      return json({ ...IVAN, enabled: false, status: 'disabled' });
    }
    return json({}, 404);
  });
}

const listCalls = (calls: FetchCall[]) =>
  calls.filter((call) => call.method === 'GET' && new URL(call.url).pathname === '/api/v1/users');

describe('UsersAdminScreen', () => {
  it('lists users with their roles and status', async () => {
    const api = gateway();
    renderWithProviders(<UsersAdminScreen />, { api });
    const row = (await screen.findByText('ivan@agency.test')).closest('tr');
    if (!row) throw new Error('no row for Ivan');
    expect(within(row).getByText('Исполнитель')).toBeInTheDocument();
    expect(within(row).getByText('Активен')).toBeInTheDocument();
    expect(
      within(row).getByRole('button', { name: 'Снять роль «Исполнитель» с пользователя Иван Сидоров' }),
    ).toBeVisible();
    expect(within(row).queryByRole('button', { name: /Снять роль «Пользователь»/ })).not.toBeInTheDocument();
    expect(screen.getByText('1–2 из 2')).toBeInTheDocument();
  });

  it('searches by name as the user types', async () => {
    const api = gateway();
    renderWithProviders(<UsersAdminScreen />, { api });
    await screen.findByText('ivan@agency.test');
    const user = userEvent.setup();
    await user.type(screen.getByRole('searchbox', { name: 'Поиск' }), 'Иван');
    await waitFor(() => expect(screen.queryByText('admin@agency.test')).not.toBeInTheDocument());
    const searches = listCalls(api.fetch.calls).map((call) => new URL(call.url).searchParams.get('search'));
    expect(searches[0]).toBeNull();
    expect(searches.at(-1)).toBe('Иван');
  });

  it('disables a user only after confirmation', async () => {
    const api = gateway();
    // biome-ignore lint/suspicious/noDocumentCookie: the readable CSRF cookie the Gateway sets.
    document.cookie = 'crm_csrf=csrf-value';
    renderWithProviders(<UsersAdminScreen />, { api });
    const row = (await screen.findByText('ivan@agency.test')).closest('tr');
    if (!row) throw new Error('no row for Ivan');
    const user = userEvent.setup();
    await user.click(within(row).getByRole('button', { name: 'Отключить' }));

    const dialog = await screen.findByRole('dialog', { name: 'Отключить пользователя?' });
    expect(dialog).toHaveTextContent('Иван Сидоров не сможет войти');
    expect(api.fetch.calls.some((call) => call.method === 'PATCH')).toBe(false);
    await user.click(within(dialog).getByRole('button', { name: 'Отключить' }));

    await waitFor(() => expect(api.fetch.calls.some((call) => call.method === 'PATCH')).toBe(true));
    const patch = api.fetch.calls.find((call) => call.method === 'PATCH');
    expect(patch?.body).toEqual({ enabled: false });
    expect(patch?.headers.get('x-csrf-token')).toBe('csrf-value');
    expect(await screen.findByText('Пользователь Иван Сидоров отключён')).toBeInTheDocument();
  });

  it('offers no way to disable one’s own account', async () => {
    const api = gateway();
    renderWithProviders(<UsersAdminScreen />, { api });
    const row = (await screen.findByText('admin@agency.test')).closest('tr');
    if (!row) throw new Error('no row for the admin');
    expect(within(row).queryByRole('button', { name: 'Отключить' })).not.toBeInTheDocument();
  });

  it('answers non-admins with the 403 page', async () => {
    const api = gateway(IVAN);
    renderWithProviders(
      <RequireRole roles={[ROLE_NAMES.ADMIN]}>
        <UsersAdminScreen />
      </RequireRole>,
      { api },
    );
    expect(await screen.findByRole('heading', { name: 'Доступ запрещён' })).toBeInTheDocument();
    expect(listCalls(api.fetch.calls)).toHaveLength(0);
  });
});
