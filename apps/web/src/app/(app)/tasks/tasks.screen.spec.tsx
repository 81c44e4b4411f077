import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type FetchCall, json, problem, renderWithProviders, testApi } from '@/test/render';
import { TasksScreen } from './tasks.screen';

const ME = {
  id: '0b6f3f5e-9a4b-4c53-8d7e-3f1d2c4b5a69',
  email: 'olga@agency.test',
  fullName: 'Ольга Морозова',
  phone: null,
  enabled: true,
  status: 'active',
  roles: [{ id: '44444444-4444-4444-4444-444444444444', name: 'ROLE_EXECUTOR', description: null }],
  telegramLinked: false,
  lastLoginAt: null,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
};
const AUTHOR = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';

function task(id: string, title: string, statusCode: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    title,
    description: 'Подробности',
    statusCode,
    statusName: statusCode,
    dueAt: null,
    scheduledFor: null,
    completedAt: null,
    cancelledReason: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    payload: {},
    assigneeId: ME.id,
    authorId: AUTHOR,
    priority: 'high',
    dealId: null,
    policyId: null,
    paymentId: null,
    clientId: null,
    context: {},
    ruleKey: null,
    escalatedAt: null,
    ...extra,
  };
}

const CALC = task('7c9e6679-7425-40de-944b-e07fc1f90ae7', 'Подготовить расчёты КАСКО', 'pending');
const CALL = task('8d0f7780-8536-41ef-955c-f18fd2fa1bf8', 'Позвонить клиенту', 'in_progress');

class SilentEventSource {
  readyState = 0;
  onopen = null;
  addEventListener() {}
  close() {}
}

function gateway() {
  return testApi((call: FetchCall) => {
    const url = new URL(call.url);
    const path = url.pathname.replace('/api/v1', '');
    if (path === '/auth/me') return json(ME);
    if (path === '/users/directory')
      return json([{ id: AUTHOR, fullName: 'Игорь Волков', email: 'igor@agency.test', roles: ['ROLE_SALES_AGENT'] }]);
    if (path === '/tasks') return json([CALC, CALL]);
    if (path === `/tasks/${CALC.id}`) return json(CALC);
    if (path === `/tasks/${CALC.id}/activity`)
      return json([
        {
          id: '9e1a8891-9647-42a0-a66d-a29ae3abc2c9',
          taskId: CALC.id,
          authorId: AUTHOR,
          eventType: 'comment',
          body: 'Нужны три страховые',
          payload: {},
          createdAt: '2026-01-02T09:00:00.000Z',
        },
      ]);
    if (path === `/tasks/${CALC.id}/reminders`) return json([]);
    if (path === '/tasks/calendar/token') return new Response(null, { status: 204 });
    if (path === '/crm/deals') return json({ items: [], nextCursor: null });
    return problem(404, 'not_found');
  });
}

describe('TasksScreen', () => {
  beforeEach(() => vi.stubGlobal('EventSource', SilentEventSource));
  afterEach(() => vi.unstubAllGlobals());

  it('shows my tasks by status and opens one with its comments', async () => {
    const api = gateway();
    renderWithProviders(<TasksScreen />, { api });

    const pending = await screen.findByRole('region', { name: 'Ожидает' }, { timeout: 5000 });
    expect(within(pending).getByText('Подготовить расчёты КАСКО')).toBeInTheDocument();
    const working = screen.getByRole('region', { name: 'В работе' });
    expect(within(working).getByText('Позвонить клиенту')).toBeInTheDocument();
    const list = api.fetch.calls.find((call) => new URL(call.url).pathname === '/api/v1/tasks');
    expect(new URL(list?.url ?? '').searchParams.get('assigneeId')).toBe(ME.id);

    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Открыть задачу «Подготовить расчёты КАСКО»' }));
    const drawer = await screen.findByRole('dialog', { name: 'Задача' });
    expect(await within(drawer).findByText('Нужны три страховые')).toBeInTheDocument();
    expect(within(drawer).getByText('Игорь Волков', { selector: 'dd' })).toBeInTheDocument();
    expect(within(drawer).getByRole('button', { name: 'Взять в работу' })).toBeInTheDocument();
    expect(within(drawer).queryByRole('button', { name: 'Вернуть в ожидание' })).not.toBeInTheDocument();
  });

  it('switches to the month calendar, asking for that month only', async () => {
    const api = gateway();
    renderWithProviders(<TasksScreen />, { api });
    await screen.findByRole('region', { name: 'Ожидает' }, { timeout: 5000 });
    const user = userEvent.setup();
    await user.click(screen.getByText('Календарь'));
    expect(await screen.findByRole('grid')).toBeInTheDocument();
    const calendarCall = api.fetch.calls
      .filter((call) => new URL(call.url).pathname === '/api/v1/tasks')
      .map((call) => new URL(call.url).searchParams)
      .find((params) => params.has('dueAfter'));
    expect(calendarCall?.get('dueBefore')).toBeTruthy();
  });
});
