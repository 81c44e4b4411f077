import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { type FetchCall, json, problem, renderWithProviders, testApi } from '@/test/render';
import { PaymentsScreen } from './payments.screen';

const DEAL_ID = '5d0f3c1e-8a2b-4c3d-9e4f-1a2b3c4d5e6f';
const POLICY_ID = '6e1f4d2f-9b3c-4d4e-8f5a-2b3c4d5e6f70';

function payment(id: string, sequence: number, status: string, plannedAmount: string) {
  return {
    id,
    dealId: DEAL_ID,
    policyId: POLICY_ID,
    policyNumber: 'ОСАГО-0001',
    sequence,
    status,
    plannedDate: '2026-03-01',
    actualDate: status === 'paid' ? '2026-03-02' : null,
    plannedAmount,
    currency: 'RUB',
    comment: null,
    createdById: null,
    updatedById: null,
    recordedById: null,
    incomesTotal: status === 'paid' ? plannedAmount : '0.00',
    expensesTotal: '0.00',
    netTotal: status === 'paid' ? plannedAmount : '0.00',
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

function gateway() {
  return testApi((call: FetchCall) => {
    const url = new URL(call.url);
    if (url.pathname === '/api/v1/crm/deals') return json({ items: [], nextCursor: null });
    if (url.pathname !== '/api/v1/crm/payments') return problem(404, 'not_found');
    if (url.searchParams.get('cursor') === 'page-2') {
      return json({
        items: [payment('a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', 2, 'scheduled', '75000.50')],
        nextCursor: null,
      });
    }
    return json({
      items: [payment('b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e', 1, 'paid', '150000.00')],
      nextCursor: 'page-2',
    });
  });
}

describe('PaymentsScreen', () => {
  it('lists the payments in roubles, pages on with the cursor and exports what is filtered', async () => {
    const api = gateway();
    renderWithProviders(<PaymentsScreen />, { api });
    const table = await screen.findByRole('table', { name: 'Платежи' }, { timeout: 5000 });
    const first = within(table).getAllByRole('row')[1] as HTMLElement;
    const cells = within(first)
      .getAllByRole('cell')
      .map((cell) => cell.textContent?.replace(/\s/g, ' '));
    expect(cells.slice(0, 6)).toEqual([
      'ОСАГО-0001',
      '1',
      'Оплачен',
      expect.stringMatching(/1 мар\.? 2026/),
      '150 000,00 ₽',
      expect.stringMatching(/2 мар/),
    ]);

    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Показать ещё' }));
    await within(table).findByText('Запланирован');
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(screen.queryByRole('button', { name: 'Показать ещё' })).not.toBeInTheDocument();

    await user.type(screen.getByLabelText('Оплачен с'), '2026-03-01');
    const csv = screen.getByRole('link', { name: 'CSV' });
    const params = new URL(csv.getAttribute('href') ?? '').searchParams;
    expect(params.get('paidFrom')).toBe('2026-03-01');
    expect(params.get('format')).toBe('csv');
  });
});
