import type { Movement, User } from '@polis/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { crmGateway, guid, ME, PAYMENT_ID, POLICY_ID, payment } from '@/features/deals/crm-fixtures';
import { todayIso } from '@/features/deals/deal-shared';
import { queryKeys } from '@/lib/queries';
import { type FetchCall, json, problem, renderWithProviders, testApi } from '@/test/render';
import { PolicyPaymentsPanel } from './policy-payments.panel';

vi.mock('next/navigation', () => ({ useRouter: () => ({ push: vi.fn() }), usePathname: () => '/deals' }));

const DEAL_ID = guid(1);
const POLICY = { dealId: DEAL_ID, policyId: POLICY_ID };
const PAYMENTS_PATH = `/crm/deals/${DEAL_ID}/policies/${POLICY_ID}/payments`;
const PAYMENT_PATH = `${PAYMENTS_PATH}/${PAYMENT_ID}`;
const SPLIT_PATH = `${PAYMENT_PATH}/commission-split`;
const nbsp = /[\u00a0\u202f]/g;

const ADMIN: User = {
  ...ME,
  roles: [{ id: '22222222-2222-2222-2222-222222222222', name: 'ROLE_ADMIN', description: null }],
};
const OLGA = { id: guid(71), fullName: 'Ольга Морозова', email: 'olga@agency.test', roles: ['ROLE_EXECUTOR'] };
const IVAN = { id: guid(72), fullName: 'Иван Белов', email: 'ivan@agency.test', roles: ['ROLE_SALES_AGENT'] };

function line(n: number, category: string, amount: string): Movement {
  return {
    id: guid(n),
    paymentId: PAYMENT_ID,
    amount,
    currency: 'RUB',
    category,
    postedAt: '2025-04-02',
    note: null,
    createdById: null,
    updatedById: null,
    createdAt: '2025-04-02T00:00:00.000Z',
    updatedAt: '2025-04-02T00:00:00.000Z',
  };
}

/** Commission 2 500,00 received on the payment, 500,00 of it already paid out to a colleague. */
const WITH_COMMISSION = payment({
  status: 'partially_paid',
  incomesTotal: '2500.00',
  expensesTotal: '500.00',
  netTotal: '2000.00',
  incomes: [line(900, 'commission', '2500.00')],
  expenses: [line(901, 'colleague_payout', '500.00')],
});

const SPLIT_RESULT = {
  commissionReceived: '2500.00',
  previouslySplit: '500.00',
  split: '1062.50',
  remaining: '937.50',
  expenses: [line(902, 'colleague_payout', '750.00'), line(903, 'colleague_payout', '312.50')],
  payment: { ...WITH_COMMISSION, expensesTotal: '1562.50', netTotal: '937.50' },
};

function gateway({
  me = ME,
  onPatch,
  onSplit,
}: {
  me?: User;
  onPatch?: (call: FetchCall) => Response;
  onSplit?: (call: FetchCall) => Response;
}) {
  let current = WITH_COMMISSION;
  return testApi(
    crmGateway((call, path) => {
      if (path === '/auth/me') return json(me);
      if (path === '/users/directory') return json([OLGA, IVAN]);
      if (path === PAYMENTS_PATH && call.method === 'GET') return json({ items: [current], total: 1 });
      if (path === PAYMENT_PATH && call.method === 'PATCH' && onPatch) {
        const answer = onPatch(call);
        if (answer.ok) current = { ...current, status: 'cancelled', version: current.version + 1 };
        return answer;
      }
      if (path === SPLIT_PATH && call.method === 'POST' && onSplit) return onSplit(call);
      return undefined;
    }),
  );
}

function calls(api: ReturnType<typeof testApi>, method: string, path: string): FetchCall[] {
  return api.fetch.calls.filter((call) => call.method === method && new URL(call.url).pathname === `/api/v1${path}`);
}

async function openSplit(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByRole('button', { name: 'Распределить комиссию' }));
  return screen.findByRole('dialog', { name: 'Распределение комиссии — платёж № 1' });
}

async function chooseColleague(user: ReturnType<typeof userEvent.setup>, dialog: HTMLElement, n: number, name: string) {
  await user.click(within(dialog).getByRole('textbox', { name: `Коллега ${n}` }));
  await user.click(await screen.findByRole('option', { name }));
}

describe('Cancelling a payment', () => {
  it('is not offered to someone who is not an administrator', async () => {
    const api = gateway({});
    const { queryClient } = renderWithProviders(<PolicyPaymentsPanel policy={POLICY} premium="100000.00" />, { api });
    await screen.findByText('Платёж № 1');
    await waitFor(() => expect(queryClient.getQueryState(queryKeys.me)?.status).toBe('success'));
    expect(screen.getByRole('button', { name: 'Распределить комиссию' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Отменить платёж' })).not.toBeInTheDocument();
  });

  it('asks an administrator first, sends the cancellation and shows the payment frozen', async () => {
    const api = gateway({ me: ADMIN, onPatch: (call) => json({ ...WITH_COMMISSION, ...(call.body as object) }) });
    renderWithProviders(<PolicyPaymentsPanel policy={POLICY} premium="100000.00" />, { api });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Отменить платёж' }));

    const dialog = await screen.findByRole('dialog', { name: 'Отменить платёж № 1?' });
    expect(within(dialog).getByText(/замораживается навсегда/)).toBeInTheDocument();
    expect(calls(api, 'PATCH', PAYMENT_PATH)).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Отменить платёж' }));

    await waitFor(() => expect(calls(api, 'PATCH', PAYMENT_PATH)).toHaveLength(1));
    expect(calls(api, 'PATCH', PAYMENT_PATH)[0]?.body).toEqual({ status: 'cancelled', version: 1 });
    expect(await screen.findByText('Платёж отменён: суммы заморожены и больше не меняются.')).toBeInTheDocument();
    expect(screen.getByText('Отменён')).toBeInTheDocument();
    expect(calls(api, 'GET', PAYMENTS_PATH).length).toBeGreaterThan(1);
    expect(screen.queryByRole('button', { name: 'Отменить платёж' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Распределить комиссию' })).not.toBeInTheDocument();
  });

  it('says why the API refused the cancellation', async () => {
    const api = gateway({ me: ADMIN, onPatch: () => problem(409, 'payment_has_transactions') });
    renderWithProviders(<PolicyPaymentsPanel policy={POLICY} premium="100000.00" />, { api });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Отменить платёж' }));
    const dialog = await screen.findByRole('dialog', { name: 'Отменить платёж № 1?' });
    await user.click(within(dialog).getByRole('button', { name: 'Отменить платёж' }));

    expect(await screen.findByText('У платежа есть поступления или расходы — сначала удалите их.')).toBeInTheDocument();
    expect(screen.getByText('Не удалось отменить платёж')).toBeInTheDocument();
    expect(screen.queryByText('Отменён')).not.toBeInTheDocument();
  });
});

describe('CommissionSplitDialog', () => {
  it('splits by percent, sends the shares as typed and shows what stays with the agency', async () => {
    const split = vi.fn((_call: FetchCall) => json(SPLIT_RESULT, 201));
    const api = gateway({ onSplit: split });
    renderWithProviders(<PolicyPaymentsPanel policy={POLICY} premium="100000.00" />, { api });
    const user = userEvent.setup();
    const dialog = await openSplit(user);
    expect(within(dialog).getByText(/Можно распределить: 2\s000,00\s₽/)).toBeInTheDocument();

    await chooseColleague(user, dialog, 1, 'Ольга Морозова');
    await user.type(within(dialog).getByRole('textbox', { name: 'Доля, % — коллега 1' }), '30');
    await user.click(within(dialog).getByRole('button', { name: 'Добавить коллегу' }));
    await chooseColleague(user, dialog, 2, 'Иван Белов');
    await user.type(within(dialog).getByRole('textbox', { name: 'Доля, % — коллега 2' }), '12,5');
    expect(within(dialog).getByRole('status')).toHaveTextContent('Всего 42,5 % полученной комиссии');
    await user.click(within(dialog).getByRole('button', { name: 'Распределить' }));

    await waitFor(() => expect(split).toHaveBeenCalledTimes(1));
    expect(split.mock.calls[0]?.[0].body).toEqual({
      shares: [
        { userId: OLGA.id, percent: '30', name: 'Ольга Морозова' },
        { userId: IVAN.id, percent: '12.5', name: 'Иван Белов' },
      ],
      postedAt: todayIso(),
    });
    expect(await screen.findByText('Комиссия распределена')).toBeInTheDocument();
    expect(screen.getByTestId('split-received').textContent?.replace(nbsp, ' ')).toBe('2 500,00 ₽');
    expect(screen.getByTestId('split-previouslySplit').textContent?.replace(nbsp, ' ')).toBe('500,00 ₽');
    expect(screen.getByTestId('split-split').textContent?.replace(nbsp, ' ')).toBe('1 062,50 ₽');
    expect(screen.getByTestId('split-remaining').textContent?.replace(nbsp, ' ')).toBe('937,50 ₽');
    expect(calls(api, 'GET', PAYMENTS_PATH).length).toBeGreaterThan(1);
  });

  it('splits by amounts on the chosen posting date', async () => {
    const split = vi.fn((_call: FetchCall) => json(SPLIT_RESULT, 201));
    const api = gateway({ onSplit: split });
    renderWithProviders(<PolicyPaymentsPanel policy={POLICY} premium="100000.00" />, { api });
    const user = userEvent.setup();
    const dialog = await openSplit(user);

    await user.click(within(dialog).getByRole('radio', { name: 'Суммами' }));
    await chooseColleague(user, dialog, 1, 'Иван Белов');
    await user.type(within(dialog).getByRole('textbox', { name: 'Сумма, ₽ — коллега 1' }), '1 000,5');
    expect(within(dialog).getByRole('status').textContent?.replace(nbsp, ' ')).toBe(
      'Коллегам 1 000,50 ₽ · агентству останется 999,50 ₽',
    );
    const postedAt = within(dialog).getByLabelText('Дата проводки');
    await user.clear(postedAt);
    await user.type(postedAt, '2025-04-10');
    await user.click(within(dialog).getByRole('button', { name: 'Распределить' }));

    await waitFor(() => expect(split).toHaveBeenCalledTimes(1));
    expect(split.mock.calls[0]?.[0].body).toEqual({
      shares: [{ userId: IVAN.id, amount: '1000.5', name: 'Иван Белов' }],
      postedAt: '2025-04-10',
    });
    expect((await screen.findByTestId('split-remaining')).textContent?.replace(nbsp, ' ')).toBe('937,50 ₽');
  });

  it('refuses an invalid percent and a missing colleague before sending anything', async () => {
    const split = vi.fn((_call: FetchCall) => json(SPLIT_RESULT, 201));
    const api = gateway({ onSplit: split });
    renderWithProviders(<PolicyPaymentsPanel policy={POLICY} premium="100000.00" />, { api });
    const user = userEvent.setup();
    const dialog = await openSplit(user);

    const percent = within(dialog).getByRole('textbox', { name: 'Доля, % — коллега 1' });
    await user.type(percent, '100.5');
    await user.click(within(dialog).getByRole('button', { name: 'Распределить' }));

    expect(
      await within(dialog).findByText('Доля — от 0,01 до 100 %, не больше двух знаков после запятой'),
    ).toBeInTheDocument();
    expect(percent).toHaveAttribute('aria-invalid', 'true');
    expect(within(dialog).getByText('Заполните это поле')).toBeInTheDocument();

    await chooseColleague(user, dialog, 1, 'Ольга Морозова');
    await user.clear(percent);
    await user.type(percent, '0,001');
    await user.click(within(dialog).getByRole('button', { name: 'Распределить' }));
    expect(
      await within(dialog).findByText('Доля — от 0,01 до 100 %, не больше двух знаков после запятой'),
    ).toBeInTheDocument();
    expect(split).not.toHaveBeenCalled();
    expect(calls(api, 'POST', SPLIT_PATH)).toHaveLength(0);
  });

  it('puts the API’s field error next to its share and explains an over-split', async () => {
    let answer: Response = problem(400, 'validation_error', {
      errors: [{ field: 'body.shares.1.amount', message: 'must be greater than 0' }],
    });
    const api = gateway({ onSplit: () => answer });
    renderWithProviders(<PolicyPaymentsPanel policy={POLICY} premium="100000.00" />, { api });
    const user = userEvent.setup();
    const dialog = await openSplit(user);

    await user.click(within(dialog).getByRole('radio', { name: 'Суммами' }));
    await chooseColleague(user, dialog, 1, 'Ольга Морозова');
    await user.type(within(dialog).getByRole('textbox', { name: 'Сумма, ₽ — коллега 1' }), '100');
    await user.click(within(dialog).getByRole('button', { name: 'Добавить коллегу' }));
    await chooseColleague(user, dialog, 2, 'Иван Белов');
    await user.type(within(dialog).getByRole('textbox', { name: 'Сумма, ₽ — коллега 2' }), '200');
    await user.click(within(dialog).getByRole('button', { name: 'Распределить' }));

    expect(await within(dialog).findByText('must be greater than 0')).toBeInTheDocument();
    expect(within(dialog).getByRole('textbox', { name: 'Сумма, ₽ — коллега 2' })).toHaveAttribute(
      'aria-invalid',
      'true',
    );
    expect(within(dialog).getByRole('textbox', { name: 'Сумма, ₽ — коллега 1' })).not.toHaveAttribute(
      'aria-invalid',
      'true',
    );

    answer = problem(409, 'commission_split_exceeds_received', {
      details: { commissionReceived: '2500.00', previouslySplit: '500.00', requested: '3000.00' },
    });
    await user.click(within(dialog).getByRole('button', { name: 'Распределить' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent?.replace(nbsp, ' ')).toBe(
      'Коллегам досталось бы больше, чем получено комиссии по платежу: получено 2 500,00 ₽, уже выплачено 500,00 ₽, запрошено 3 000,00 ₽.',
    );
  });
});
