import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { type FetchCall, json, problem, renderWithProviders, testApi } from '@/test/render';
import { InviteUserDialog } from './invite-user.dialog';

const ROLES = [
  { id: '11111111-1111-1111-1111-111111111111', name: 'ROLE_USER', description: null },
  { id: '22222222-2222-2222-2222-222222222222', name: 'ROLE_ADMIN', description: null },
  { id: '33333333-3333-3333-3333-333333333333', name: 'ROLE_SALES_AGENT', description: null },
  { id: '44444444-4444-4444-4444-444444444444', name: 'ROLE_EXECUTOR', description: null },
  { id: '55555555-5555-5555-5555-555555555555', name: 'ROLE_SERVICE', description: null },
];
const LINK = 'http://localhost:3000/activate?token=abc123';

function gateway(onInvite: (call: FetchCall) => Response) {
  return testApi((call) => {
    const path = new URL(call.url).pathname;
    if (path === '/api/v1/roles') return json(ROLES);
    if (path === '/api/v1/users' && call.method === 'POST') return onInvite(call);
    return problem(404, 'not_found');
  });
}

async function fillForm(email: string, fullName: string, roles: string[]) {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText(/^Email/), email);
  await user.type(screen.getByLabelText(/^Полное имя/), fullName);
  if (roles.length > 0) await user.click(screen.getByRole('textbox', { name: /^Роли/ }));
  // The dropdown of a multi-select stays open while options are picked.
  for (const role of roles) await user.click(await screen.findByRole('option', { name: role }));
  return user;
}

describe('InviteUserDialog', () => {
  it('offers the assignable roles from GET /roles', async () => {
    const api = gateway(() => json({ id: 'x', activationLink: LINK }, 201));
    renderWithProviders(<InviteUserDialog opened onClose={vi.fn()} />, { api });
    const user = userEvent.setup();
    await user.click(screen.getByRole('textbox', { name: /^Роли/ }));
    const listbox = await screen.findByRole('listbox');
    const options = within(listbox)
      .getAllByRole('option')
      .map((option) => option.textContent);
    expect(options).toEqual(['Администратор', 'Продавец', 'Исполнитель']);
  });

  it('invites with the chosen roles and shows the activation link to copy', async () => {
    const invite = vi.fn(() => json({ id: '0b6f3f5e-9a4b-4c53-8d7e-3f1d2c4b5a69', activationLink: LINK }, 201));
    const api = gateway(invite);
    renderWithProviders(<InviteUserDialog opened onClose={vi.fn()} />, { api });
    const user = await fillForm('Ivan@Agency.test', 'Иван Сидоров', ['Исполнитель', 'Продавец']);
    await user.click(screen.getByRole('button', { name: 'Пригласить' }));

    expect(await screen.findByLabelText('Ссылка активации')).toHaveValue(LINK);
    expect(screen.getByText(/Передайте Иван Сидоров ссылку для активации/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Копировать ссылку' })).toBeInTheDocument();
    const call = api.fetch.calls.find((entry) => entry.method === 'POST');
    expect(call?.body).toEqual({
      email: 'ivan@agency.test',
      fullName: 'Иван Сидоров',
      roles: ['ROLE_EXECUTOR', 'ROLE_SALES_AGENT'],
    });
    expect(invite).toHaveBeenCalledTimes(1);
  });

  it('shows an existing email next to the email field', async () => {
    const api = gateway(() => problem(409, 'user_exists'));
    renderWithProviders(<InviteUserDialog opened onClose={vi.fn()} />, { api });
    const user = await fillForm('anna@agency.test', 'Анна', []);
    await user.click(screen.getByRole('button', { name: 'Пригласить' }));
    expect(await screen.findByText('Пользователь с таким email уже существует')).toBeInTheDocument();
    expect(screen.getByLabelText(/^Email/)).toHaveAttribute('aria-invalid', 'true');
  });

  it('validates the form with the contract before sending', async () => {
    const invite = vi.fn(() => json({ id: 'x', activationLink: LINK }, 201));
    const api = gateway(invite);
    renderWithProviders(<InviteUserDialog opened onClose={vi.fn()} />, { api });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Пригласить' }));
    expect(await screen.findByText('Введите корректный email')).toBeInTheDocument();
    expect(screen.getByText('Заполните это поле')).toBeInTheDocument();
    expect(invite).not.toHaveBeenCalled();
  });
});
