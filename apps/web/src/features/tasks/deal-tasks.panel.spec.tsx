import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { type FetchCall, json, problem, renderWithProviders, testApi } from '@/test/render';
import { DealTasksPanel } from './deal-tasks.panel';

const DEAL_ID = '5d0f3c1e-8a2b-4c3d-9e4f-1a2b3c4d5e6f';
const EXECUTOR = '0b6f3f5e-9a4b-4c53-8d7e-3f1d2c4b5a69';
const TASK = {
  id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  title: 'Подготовить расчёты',
  description: 'КАСКО',
  statusCode: 'in_progress',
  statusName: 'В работе',
  dueAt: null,
  scheduledFor: null,
  completedAt: null,
  cancelledReason: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  payload: {},
  assigneeId: EXECUTOR,
  authorId: EXECUTOR,
  priority: 'normal',
  dealId: DEAL_ID,
  policyId: null,
  paymentId: null,
  clientId: null,
  context: {},
  ruleKey: null,
  escalatedAt: null,
};

function gateway() {
  return testApi((call: FetchCall) => {
    const path = new URL(call.url).pathname.replace('/api/v1', '');
    if (path === '/tasks') return json([TASK]);
    if (path === '/users/directory')
      return json([{ id: EXECUTOR, fullName: 'Ольга Морозова', email: 'olga@agency.test', roles: [] }]);
    return problem(404, 'not_found');
  });
}

describe('DealTasksPanel', () => {
  it("lists the deal's tasks with their status buttons and sets a new one for the deal", async () => {
    const api = gateway();
    renderWithProviders(<DealTasksPanel dealId={DEAL_ID} />, { api });
    const item = (await screen.findByText('Подготовить расчёты', {}, { timeout: 5000 })).closest('li') as HTMLElement;
    expect(await within(item).findByText('Исполнитель: Ольга Морозова')).toBeInTheDocument();
    const actions = within(item).getByRole('group', { name: 'Смена статуса задачи «Подготовить расчёты»' });
    expect(
      within(actions)
        .getAllByRole('button')
        .map((button) => button.textContent),
    ).toEqual(['Завершить', 'Отменить задачу']);
    const list = api.fetch.calls.find((call) => new URL(call.url).pathname === '/api/v1/tasks');
    const params = new URL(list?.url ?? '').searchParams;
    expect(params.get('dealId')).toBe(DEAL_ID);
    expect(params.has('assigneeId')).toBe(false);

    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Поставить задачу' }));
    const dialog = await screen.findByRole('dialog', { name: 'Новая задача' });
    expect(within(dialog).getByLabelText(/^Тема/)).toHaveValue('Подготовить расчёты');
    expect(within(dialog).queryByRole('textbox', { name: 'Сделка' })).not.toBeInTheDocument();
  });
});
