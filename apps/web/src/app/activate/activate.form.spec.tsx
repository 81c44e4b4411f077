import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { json, problem, renderWithProviders, testApi } from '@/test/render';
import { ActivateForm } from './activate.form';

const router = vi.hoisted(() => ({ replace: vi.fn(), push: vi.fn(), refresh: vi.fn() }));
vi.mock('next/navigation', () => ({ useRouter: () => router }));

const SESSION = { tokenType: 'Bearer', expiresIn: 900, refreshExpiresIn: 604800 };

async function setPassword(password: string, confirm: string) {
  const user = userEvent.setup();
  if (password) await user.type(screen.getByLabelText(/^Новый пароль/), password);
  if (confirm) await user.type(screen.getByLabelText(/^Повторите пароль/), confirm);
  await user.click(screen.getByRole('button', { name: 'Сохранить пароль и войти' }));
}

describe('ActivateForm', () => {
  beforeEach(() => vi.clearAllMocks());

  it('refuses two different passwords', async () => {
    const api = testApi(() => json(SESSION));
    renderWithProviders(<ActivateForm token="activation-token" />, { api });
    await setPassword('correct-horse-1', 'correct-horse-2');
    expect(await screen.findByText('Пароли не совпадают')).toBeInTheDocument();
    expect(screen.getByLabelText(/^Повторите пароль/)).toHaveAttribute('aria-invalid', 'true');
    expect(api.fetch.calls).toHaveLength(0);
  });

  it('requires 8 to 72 characters', async () => {
    const api = testApi(() => json(SESSION));
    renderWithProviders(<ActivateForm token="activation-token" />, { api });
    await setPassword('short', 'short');
    expect(await screen.findByText('Не короче 8 символов')).toBeInTheDocument();

    const long = 'x'.repeat(73);
    const user = userEvent.setup();
    await user.clear(screen.getByLabelText(/^Новый пароль/));
    await user.clear(screen.getByLabelText(/^Повторите пароль/));
    await setPassword(long, long);
    expect(await screen.findByText('Не длиннее 72 символов')).toBeInTheDocument();
    expect(api.fetch.calls).toHaveLength(0);
  });

  it('activates in cookie mode and lands in the app', async () => {
    const api = testApi(() => json(SESSION));
    renderWithProviders(<ActivateForm token="activation-token" />, { api });
    await setPassword('correct-horse-battery', 'correct-horse-battery');
    await vi.waitFor(() => expect(router.replace).toHaveBeenCalledWith('/'));
    const [call] = api.fetch.calls;
    expect(call?.url).toBe('http://gateway.test/api/v1/auth/activate');
    expect(call?.headers.get('x-session-mode')).toBe('cookie');
    expect(call?.body).toEqual({ token: 'activation-token', password: 'correct-horse-battery' });
  });

  it('shows the server refusing a password equal to the email next to the field', async () => {
    const api = testApi(() =>
      problem(400, 'validation_error', { errors: [{ field: 'password', message: 'must differ from the email' }] }),
    );
    renderWithProviders(<ActivateForm token="activation-token" />, { api });
    await setPassword('anna@agency.test', 'anna@agency.test');
    expect(await screen.findByText('Пароль не должен совпадать с email')).toBeInTheDocument();
  });

  it('explains an expired link', async () => {
    const api = testApi(() => problem(410, 'activation_token_expired'));
    renderWithProviders(<ActivateForm token="old-token" />, { api });
    await setPassword('correct-horse-battery', 'correct-horse-battery');
    expect(await screen.findByRole('alert')).toHaveTextContent('Срок действия ссылки активации истёк');
    expect(screen.getByRole('link', { name: 'Перейти ко входу' })).toHaveAttribute('href', '/login');
  });

  it('explains a used or replaced link', async () => {
    const api = testApi(() => problem(400, 'invalid_activation_token'));
    renderWithProviders(<ActivateForm token="used-token" />, { api });
    await setPassword('correct-horse-battery', 'correct-horse-battery');
    expect(await screen.findByRole('alert')).toHaveTextContent('Ссылка активации недействительна');
  });

  it('explains a link without a token', () => {
    const api = testApi(() => json(SESSION));
    renderWithProviders(<ActivateForm token="" />, { api });
    expect(screen.getByRole('alert')).toHaveTextContent('В ссылке нет кода активации');
    expect(screen.queryByRole('button', { name: 'Сохранить пароль и войти' })).not.toBeInTheDocument();
  });

  describe('in change mode (a sign-in demanded a new password)', () => {
    async function setNewPassword(password: string) {
      const user = userEvent.setup();
      await user.type(screen.getByLabelText(/^Новый пароль/), password);
      await user.type(screen.getByLabelText(/^Повторите пароль/), password);
      await user.click(screen.getByRole('button', { name: 'Сохранить новый пароль и войти' }));
    }

    it('asks for a new password and lands signed in where the user was going', async () => {
      const api = testApi(() => json(SESSION));
      renderWithProviders(<ActivateForm token="change-token" mode="change" next="/admin/users" />, { api });
      expect(screen.getByLabelText(/^Новый пароль/)).toHaveAccessibleDescription(
        'От 8 до 72 символов, не совпадает с email и с прежним паролем',
      );
      await setNewPassword('brand-new-password');
      await vi.waitFor(() => expect(router.replace).toHaveBeenCalledWith('/admin/users'));
      const [call] = api.fetch.calls;
      expect(call?.url).toBe('http://gateway.test/api/v1/auth/activate');
      expect(call?.headers.get('x-session-mode')).toBe('cookie');
      expect(call?.body).toEqual({ token: 'change-token', password: 'brand-new-password' });
    });

    it('shows a refused unchanged password next to the field', async () => {
      const api = testApi(() =>
        problem(400, 'password_unchanged', {
          errors: [{ field: 'password', message: 'must differ from the current password' }],
        }),
      );
      renderWithProviders(<ActivateForm token="change-token" mode="change" />, { api });
      await setNewPassword('printed-password');
      expect(await screen.findByText('Новый пароль должен отличаться от прежнего')).toBeInTheDocument();
      expect(router.replace).not.toHaveBeenCalled();
    });

    it('sends the user back to sign in when the change token has run out', async () => {
      const api = testApi(() => problem(410, 'activation_token_expired'));
      renderWithProviders(<ActivateForm token="old-change-token" mode="change" />, { api });
      await setNewPassword('brand-new-password');
      expect(await screen.findByRole('alert')).toHaveTextContent('Время на смену пароля истекло. Войдите снова.');
      expect(screen.getByRole('link', { name: 'Перейти ко входу' })).toHaveAttribute('href', '/login');
    });

    it('speaks English when the locale is en', async () => {
      const api = testApi(() => json(SESSION));
      renderWithProviders(<ActivateForm token="change-token" mode="change" />, { api, locale: 'en' });
      expect(screen.getByRole('button', { name: 'Save the new password and sign in' })).toBeInTheDocument();
    });
  });
});
