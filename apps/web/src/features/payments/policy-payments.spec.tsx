import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { crmGateway, guid, PAYMENT_ID, POLICY_ID, payment } from '@/features/deals/crm-fixtures';
import { json, problem, renderWithProviders, testApi } from '@/test/render';
import { PolicyPaymentsPanel } from './policy-payments.panel';
import { previewSchedule } from './policy-schedule';

vi.mock('next/navigation', () => ({ useRouter: () => ({ push: vi.fn() }), usePathname: () => '/deals' }));

const DEAL_ID = guid(1);
const POLICY = { dealId: DEAL_ID, policyId: POLICY_ID };
const PAYMENTS_PATH = `/crm/deals/${DEAL_ID}/policies/${POLICY_ID}/payments`;
const nbsp = /[\u00a0\u202f]/g;

const PAYMENTS = [
  payment({
    status: 'partially_paid',
    incomesTotal: '10000.10',
    expensesTotal: '0.20',
    netTotal: '9999.90',
    incomes: [
      {
        id: guid(900),
        paymentId: PAYMENT_ID,
        amount: '10000.10',
        currency: 'RUB',
        category: 'premium',
        postedAt: '2025-04-02',
        note: null,
        createdById: null,
        updatedById: null,
        createdAt: '2025-04-02T00:00:00.000Z',
        updatedAt: '2025-04-02T00:00:00.000Z',
      },
    ],
  }),
  payment({ id: guid(801), sequence: 2, plannedAmount: '33333.33', plannedDate: '2025-07-01' }),
  payment({
    id: guid(802),
    sequence: 3,
    plannedAmount: '33333.34',
    plannedDate: '2025-10-01',
    incomesTotal: '0.10',
    netTotal: '0.10',
  }),
];

const CASH_FLOW = {
  policyId: POLICY_ID,
  dealId: DEAL_ID,
  policyNumber: 'ААА-100',
  currency: 'RUB',
  premium: '100000.01',
  premiumDue: '100000.00',
  premiumPaid: '10000.10',
  premiumOutstanding: '89999.90',
  commission: { rate: '10.00', expected: '10000.00', received: '2500.50', outstanding: '7499.50' },
  bonusReceived: '0.00',
  otherIncome: '0.00',
  incomesTotal: '12500.60',
  payouts: [],
  expensesTotal: '0.20',
  net: '12500.40',
};

function money(testId: string): string {
  return (screen.getByTestId(testId).textContent ?? '').replace(nbsp, ' ');
}

describe('PolicyPaymentsPanel totals', () => {
  it('adds up the policy’s payments to the kopeck and shows what is left to plan', async () => {
    const api = testApi(
      crmGateway((_call, path) => {
        if (path === PAYMENTS_PATH) return json({ items: PAYMENTS, total: 3 });
        if (path === `/crm/deals/${DEAL_ID}/policies/${POLICY_ID}/cash-flow`) return json(CASH_FLOW);
        return undefined;
      }),
    );
    renderWithProviders(<PolicyPaymentsPanel policy={POLICY} premium="100000.01" />, { api });
    await screen.findByText('Платёж № 1');
    expect(money('total-planned')).toBe('100 000,00 ₽');
    expect(money('total-incomes')).toBe('10 000,20 ₽');
    expect(money('total-expenses')).toBe('0,20 ₽');
    expect(money('total-net')).toBe('10 000,00 ₽');
    expect(screen.getByText(/Не распределено по платежам/).textContent?.replace(nbsp, ' ')).toBe(
      'Не распределено по платежам: 0,01 ₽',
    );
    expect(await screen.findByTestId('cash-flow-commissionExpected')).toHaveTextContent(/^10\s000,00\s₽$/);
    expect(money('cash-flow-commissionReceived')).toBe('2 500,50 ₽');
    expect(money('cash-flow-commissionOutstanding')).toBe('7 499,50 ₽');
    expect(screen.getByText('Ставка комиссии: 10.00 %')).toBeInTheDocument();
    const incomes = screen.getByRole('table', { name: 'Поступления' });
    expect(within(incomes).getByText('Премия')).toBeInTheDocument();
  });
});

describe('PaymentLineForm', () => {
  it('shows the totals the line leads to, refuses a bad amount at the field and records a good one', async () => {
    let posted: unknown;
    const api = testApi(
      crmGateway((call, path) => {
        if (path === PAYMENTS_PATH) return json({ items: [PAYMENTS[0]], total: 1 });
        if (path === `${PAYMENTS_PATH}/${PAYMENT_ID}/incomes` && call.method === 'POST') {
          posted = call.body;
          return json({ id: guid(901) }, 201);
        }
        return undefined;
      }),
    );
    renderWithProviders(<PolicyPaymentsPanel policy={POLICY} premium="100000.00" />, { api });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Поступление' }));
    const form = screen.getByRole('form', { name: 'Поступление' });
    const amount = within(form).getByLabelText(/^Сумма/);

    await user.type(amount, '0,1');
    expect(within(form).getByRole('status').textContent?.replace(nbsp, ' ')).toBe(
      'Поступления станут 10 000,20 ₽ · результат 10 000,00 ₽',
    );

    await user.clear(amount);
    await user.type(amount, '1e3');
    await user.click(within(form).getByRole('button', { name: 'Сохранить' }));
    expect(await within(form).findByText('Некорректное значение')).toBeInTheDocument();
    expect(posted).toBeUndefined();

    await user.clear(amount);
    await user.type(amount, '2 500,5');
    await user.click(within(form).getByRole('button', { name: 'Сохранить' }));
    await waitFor(() =>
      expect(posted).toMatchObject({ amount: '2500.5', currency: 'RUB', category: 'premium', note: null }),
    );
  });

  it('puts the API’s field error under the amount', async () => {
    const api = testApi(
      crmGateway((call, path) => {
        if (path === PAYMENTS_PATH) return json({ items: [PAYMENTS[0]], total: 1 });
        if (call.method === 'POST') {
          return problem(400, 'validation_error', {
            errors: [{ field: 'body.amount', message: 'exceeds the payment' }],
          });
        }
        return undefined;
      }),
    );
    renderWithProviders(<PolicyPaymentsPanel policy={POLICY} premium="100000.00" />, { api });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Расход' }));
    const form = screen.getByRole('form', { name: 'Расход' });
    await user.type(within(form).getByLabelText(/^Сумма/), '5');
    await user.click(within(form).getByRole('button', { name: 'Сохранить' }));
    expect(await within(form).findByText('exceeds the payment')).toBeInTheDocument();
    expect(within(form).getByLabelText(/^Сумма/)).toHaveAttribute('aria-invalid', 'true');
  });
});

describe('previewSchedule', () => {
  it('splits the premium so that the installments add up to it exactly', () => {
    const plan = previewSchedule('100000.00', 3, '2025-01-31', 1);
    expect(plan?.map((entry) => entry.plannedAmount)).toEqual(['33333.34', '33333.33', '33333.33']);
    expect(plan?.map((entry) => entry.plannedDate)).toEqual(['2025-01-31', '2025-02-28', '2025-03-31']);
    expect(previewSchedule('0.02', 3, '2025-01-01', 1)).toBeNull();
    expect(previewSchedule('100.00', 0, '2025-01-01', 1)).toBeNull();
  });
});
