import { describe, expect, it } from 'vitest';
import { toTaskFilters } from '@/features/tasks/tasks.filters';
import { ApiClient } from '@/lib/api';
import { BASE_URL } from '@/test/render';
import { paymentsExportUrl } from './payments-list.queries';
import { taskExportUrl } from './tasks.queries';

const client = new ApiClient({ baseUrl: BASE_URL });
const DEAL_ID = '5d0f3c1e-8a2b-4c3d-9e4f-1a2b3c4d5e6f';
const ME = '0b6f3f5e-9a4b-4c53-8d7e-3f1d2c4b5a69';

function parts(url: string | null) {
  const parsed = new URL(url ?? '');
  return { path: parsed.pathname, params: [...parsed.searchParams.entries()] };
}

describe('task export links', () => {
  it('carry every filter of the board, repeatable ones repeated', () => {
    const now = new Date(2026, 10, 26, 15, 30);
    const filters = toTaskFilters(
      { scope: 'me', status: ['pending', 'in_progress'], priority: ['high'], due: 'overdue', dealId: DEAL_ID },
      ME,
      now,
    );
    expect(parts(taskExportUrl(client, filters, 'xlsx'))).toEqual({
      path: '/api/v1/tasks/export',
      params: [
        ['format', 'xlsx'],
        ['assigneeId', ME],
        ['status', 'pending'],
        ['status', 'in_progress'],
        ['priority', 'high'],
        ['dealId', DEAL_ID],
        ['dueBefore', now.toISOString()],
      ],
    });
  });

  it('leave out what is not filtered', () => {
    const filters = toTaskFilters({ scope: 'all', status: [], priority: [], due: 'any', dealId: null }, ME, new Date());
    expect(parts(taskExportUrl(client, filters, 'csv'))).toEqual({
      path: '/api/v1/tasks/export',
      params: [['format', 'csv']],
    });
  });

  it('turn a period into exclusive bounds around whole local days', () => {
    const now = new Date(2026, 10, 26, 15, 30);
    const { dueAfter, dueBefore } = toTaskFilters(
      { scope: 'all', status: [], priority: [], due: 'week', dealId: null },
      ME,
      now,
    );
    expect(new Date(dueAfter ?? '').getTime()).toBe(new Date(2026, 10, 26).getTime() - 1);
    expect(dueBefore).toBe(new Date(2026, 11, 3).toISOString());
  });
});

describe('payment export links', () => {
  it('carry the list filters and the format', () => {
    const url = paymentsExportUrl(
      client,
      {
        status: ['scheduled', 'partially_paid'],
        dealId: DEAL_ID,
        plannedFrom: '2026-01-01',
        plannedTo: '2026-03-31',
        paidFrom: '2026-02-01',
      },
      'csv',
    );
    expect(parts(url)).toEqual({
      path: '/api/v1/crm/payments/export',
      params: [
        ['status', 'scheduled'],
        ['status', 'partially_paid'],
        ['dealId', DEAL_ID],
        ['plannedFrom', '2026-01-01'],
        ['plannedTo', '2026-03-31'],
        ['paidFrom', '2026-02-01'],
        ['format', 'csv'],
      ],
    });
  });

  it('are not offered for a range that ends before it starts', () => {
    expect(paymentsExportUrl(client, { paidFrom: '2026-05-01', paidTo: '2026-04-01' }, 'xlsx')).toBeNull();
    expect(paymentsExportUrl(client, { plannedFrom: '2026-13-01' }, 'xlsx')).toBeNull();
  });
});
