import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { json, problem, renderWithProviders, testApi } from '@/test/render';
import { LoginForm } from './login.form';

const router = vi.hoisted(() => ({ replace: vi.fn(), push: vi.fn(), refresh: vi.fn() }));
vi.mock('next/navigation', () => ({ useRouter: () => router }));

const SESSION = { tokenType: 'Bearer', expiresIn: 900, refreshExpiresIn: 604800 };

async function signIn(email: string, password: string) {
  const user = userEvent.setup();
  if (email) await user.type(screen.getByLabelText(/^Email/), email);
  if (password) await user.type(screen.getByLabelText(/^Пароль/), password);
  await user.click(screen.getByRole('button', { name: 'Войти' }));
}

describe('LoginForm', () => {
  beforeEach(() => vi.clearAllMocks());

  it('shows field errors from the contract schema next to the fields and sends nothing', async () => {
    const api = testApi(() => json(SESSION));
    renderWithProviders(<LoginForm />, { api });
    await signIn('', '');
    expect(await screen.findByText('Введите корректный email')).toBeInTheDocument();
    expect(screen.getByText('Заполните это поле')).toBeInTheDocument();
    expect(screen.getByLabelText(/^Email/)).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText(/^Пароль/)).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText(/^Пароль/)).toHaveAccessibleDescription('Заполните это поле');
    expect(api.fetch.calls).toHaveLength(0);
  });

  it('rejects a malformed email before asking the server', async () => {
    const api = testApi(() => json(SESSION));
    renderWithProviders(<LoginForm />, { api });
    await signIn('anna.agency.test', 'secret-password');
    expect(await screen.findByText('Введите корректный email')).toBeInTheDocument();
    expect(api.fetch.calls).toHaveLength(0);
  });

  it('says the email or password is wrong on invalid_credentials', async () => {
    const api = testApi(() => problem(401, 'invalid_credentials'));
    renderWithProviders(<LoginForm />, { api });
    await signIn('anna@agency.test', 'wrong-password');
    expect(await screen.findByRole('alert')).toHaveTextContent('Неверный email или пароль');
    expect(router.replace).not.toHaveBeenCalled();
  });

  it('says the account is disabled on user_disabled', async () => {
    const api = testApi(() => problem(403, 'user_disabled'));
    renderWithProviders(<LoginForm />, { api });
    await signIn('anna@agency.test', 'right-password');
    expect(await screen.findByRole('alert')).toHaveTextContent('Учётная запись отключена');
  });

  it('tells how long to wait after too many attempts', async () => {
    const api = testApi(() => problem(429, 'rate_limited', { details: { retryAfter: 120 } }));
    renderWithProviders(<LoginForm />, { api });
    await signIn('anna@agency.test', 'password');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Слишком много попыток входа. Повторите через 2 минуты.',
    );
  });

  it('explains an unreachable server', async () => {
    const api = testApi(() => {
      throw new TypeError('Failed to fetch');
    });
    renderWithProviders(<LoginForm />, { api });
    await signIn('anna@agency.test', 'password');
    expect(await screen.findByRole('alert')).toHaveTextContent('Не удалось связаться с сервером');
  });

  it('signs in in cookie mode and returns to the page the user came from', async () => {
    const api = testApi(() => json(SESSION));
    renderWithProviders(<LoginForm next="/admin/users?status=invited" />, { api });
    await signIn('Anna@Agency.test', 'secret-password');
    await vi.waitFor(() => expect(router.replace).toHaveBeenCalledWith('/admin/users?status=invited'));
    const [call] = api.fetch.calls;
    expect(call?.url).toBe('http://gateway.test/api/v1/auth/token');
    expect(call?.headers.get('x-session-mode')).toBe('cookie');
    expect(call?.body).toEqual({ email: 'anna@agency.test', password: 'secret-password' });
  });

  it('continues to the set-password step with the change token when a new password is required', async () => {
    const api = testApi(() =>
      problem(403, 'password_change_required', { details: { changeToken: 'change-token-1', expiresIn: 900 } }),
    );
    renderWithProviders(<LoginForm next="/admin/users" />, { api });
    await signIn('admin@agency.test', 'printed-password');
    await vi.waitFor(() =>
      expect(router.replace).toHaveBeenCalledWith('/activate?token=change-token-1&mode=change&next=%2Fadmin%2Fusers'),
    );
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('keeps an unsafe return path out of the set-password step', async () => {
    const api = testApi(() =>
      problem(403, 'password_change_required', { details: { changeToken: 'change-token-2', expiresIn: 900 } }),
    );
    renderWithProviders(<LoginForm next="//evil.example/steal" />, { api });
    await signIn('admin@agency.test', 'printed-password');
    await vi.waitFor(() => expect(router.replace).toHaveBeenCalledWith('/activate?token=change-token-2&mode=change'));
  });

  it('says so when a temporary password has expired', async () => {
    const api = testApi(() => problem(401, 'temporary_password_expired'));
    renderWithProviders(<LoginForm />, { api });
    await signIn('anna@agency.test', 'temporary-password');
    expect(await screen.findByRole('alert')).toHaveTextContent('Срок действия временного пароля истёк');
    expect(router.replace).not.toHaveBeenCalled();
  });

  it('never redirects to another site', async () => {
    const api = testApi(() => json(SESSION));
    renderWithProviders(<LoginForm next="//evil.example/steal" />, { api });
    await signIn('anna@agency.test', 'secret-password');
    await vi.waitFor(() => expect(router.replace).toHaveBeenCalledWith('/'));
  });

  it('explains why the previous session ended', () => {
    const api = testApi(() => json(SESSION));
    renderWithProviders(<LoginForm reason="expired" />, { api });
    expect(screen.getByRole('status')).toHaveTextContent('Сеанс завершён. Войдите снова.');
  });

  it('speaks English when the locale is en', async () => {
    const api = testApi(() => problem(401, 'invalid_credentials'));
    renderWithProviders(<LoginForm />, { api, locale: 'en' });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText(/^Email/), 'anna@agency.test');
    await user.type(screen.getByLabelText(/^Password/), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong email or password');
  });
});
