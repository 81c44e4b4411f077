import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { json, problem, renderWithProviders, testApi } from '@/test/render';
import { TASK_TRANSITIONS, type TaskStatus } from './task.model';
import { TaskStatusActions } from './task-status.actions';

const TASK_ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const LABELS: Record<string, string> = {
  pending: 'Вернуть в ожидание',
  scheduled: 'Отложить',
  in_progress: 'Взять в работу',
  completed: 'Завершить',
  cancelled: 'Отменить задачу',
};

function path(url: string) {
  return new URL(url).pathname.replace('/api/v1', '');
}

function renderActions(statusCode: TaskStatus, respond = () => json({ id: TASK_ID })) {
  const api = testApi(respond);
  renderWithProviders(<TaskStatusActions task={{ id: TASK_ID, title: 'Расчёт КАСКО', statusCode }} />, { api });
  return api;
}

describe('TaskStatusActions', () => {
  it.each(Object.entries(TASK_TRANSITIONS))('offers only the transitions allowed from %s', (status, allowed) => {
    renderActions(status as TaskStatus);
    const offered = screen.queryAllByRole('button').map((button) => button.textContent);
    expect(offered).toEqual(allowed.map((to) => LABELS[to]));
  });

  it('completes through POST /complete and starts through PATCH', async () => {
    const api = renderActions('pending');
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Взять в работу' }));
    await vi.waitFor(() => expect(api.fetch.calls).toHaveLength(1));
    await user.click(screen.getByRole('button', { name: 'Завершить' }));
    await vi.waitFor(() => expect(api.fetch.calls).toHaveLength(2));
    expect(api.fetch.calls.map((call) => [call.method, path(call.url), call.body])).toEqual([
      ['PATCH', `/tasks/${TASK_ID}`, { status: 'in_progress' }],
      ['POST', `/tasks/${TASK_ID}/complete`, {}],
    ]);
  });

  it('asks for a reason before cancelling', async () => {
    const api = renderActions('in_progress');
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Отменить задачу' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Отменить задачу' }));
    expect(await within(dialog).findByText('Укажите причину отмены (до 1024 символов)')).toBeInTheDocument();
    expect(api.fetch.calls).toHaveLength(0);

    await user.type(within(dialog).getByLabelText(/Причина отмены/), 'Клиент застраховался в банке');
    await user.click(within(dialog).getByRole('button', { name: 'Отменить задачу' }));
    await vi.waitFor(() => expect(api.fetch.calls).toHaveLength(1));
    expect(api.fetch.calls[0]?.body).toEqual({ status: 'cancelled', cancelledReason: 'Клиент застраховался в банке' });
  });

  it('explains a transition the server refuses', async () => {
    renderActions('pending', () => problem(409, 'invalid_status_transition'));
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Завершить' }));
    expect(await screen.findByText('Статус задачи уже изменился. Обновите страницу.')).toBeInTheDocument();
  });
});
