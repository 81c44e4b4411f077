import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { type FetchCall, json, problem, renderWithProviders, testApi } from '@/test/render';
import { TaskCreateDialog } from './task-create.dialog';

const DEAL_ID = '5d0f3c1e-8a2b-4c3d-9e4f-1a2b3c4d5e6f';
const EXECUTOR = {
  id: '0b6f3f5e-9a4b-4c53-8d7e-3f1d2c4b5a69',
  fullName: 'Ольга Морозова',
  email: 'olga@agency.test',
  roles: ['ROLE_EXECUTOR'],
};

function gateway(onCreate: (call: FetchCall) => Response) {
  return testApi((call) => {
    const path = new URL(call.url).pathname;
    if (path === '/api/v1/users/directory') return json([EXECUTOR]);
    if (path === '/api/v1/crm/deals') return json({ items: [], nextCursor: null });
    if (path === '/api/v1/tasks' && call.method === 'POST') return onCreate(call);
    return problem(404, 'not_found');
  });
}

async function chooseExecutor(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByRole('textbox', { name: /^Исполнитель/ }));
  await user.click(await screen.findByRole('option', { name: /Ольга Морозова/ }));
}

describe('TaskCreateDialog', () => {
  it('checks the form with the contract schema before sending anything', async () => {
    const create = vi.fn(() => json({}, 201));
    const api = gateway(create);
    renderWithProviders(<TaskCreateDialog opened onClose={vi.fn()} dealId={DEAL_ID} />, { api });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Поставить задачу' }));

    expect(await screen.findAllByText('Заполните это поле')).toHaveLength(3);
    expect(screen.getByLabelText(/^Тема/)).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText(/^Описание/)).toHaveAttribute('aria-invalid', 'true');
    expect(create).not.toHaveBeenCalled();
  });

  it('creates the task for the chosen executor, linked to the deal', async () => {
    const create = vi.fn((call: FetchCall) =>
      json({ id: 'x', title: (call.body as { subject: string }).subject }, 201),
    );
    const onClose = vi.fn();
    const api = gateway(create);
    renderWithProviders(
      <TaskCreateDialog opened onClose={onClose} dealId={DEAL_ID} defaultSubject="Подготовить расчёты" />,
      { api },
    );
    const user = userEvent.setup();
    expect(screen.getByLabelText(/^Тема/)).toHaveValue('Подготовить расчёты');
    await user.type(screen.getByLabelText(/^Описание/), 'КАСКО, три страховые');
    await chooseExecutor(user);
    await user.click(screen.getByRole('button', { name: 'Поставить задачу' }));

    await vi.waitFor(() => expect(onClose).toHaveBeenCalled());
    const body = api.fetch.calls.find((call) => call.method === 'POST')?.body;
    expect(body).toEqual({
      subject: 'Подготовить расчёты',
      description: 'КАСКО, три страховые',
      assigneeId: EXECUTOR.id,
      priority: 'normal',
      context: { dealId: DEAL_ID },
    });
  });

  it('shows the API field errors next to their fields', async () => {
    const api = gateway(() =>
      problem(400, 'validation_error', { errors: [{ field: 'body.dueDate', message: 'must be in the future' }] }),
    );
    renderWithProviders(<TaskCreateDialog opened onClose={vi.fn()} dealId={DEAL_ID} defaultSubject="Расчёт" />, {
      api,
    });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText(/^Описание/), 'Описание');
    await chooseExecutor(user);
    await user.type(screen.getByLabelText('Срок'), '2020-01-01T10:00');
    await user.click(screen.getByRole('button', { name: 'Поставить задачу' }));

    expect(await screen.findByText('must be in the future')).toBeInTheDocument();
    expect(screen.getByLabelText('Срок')).toHaveAttribute('aria-invalid', 'true');
  });

  it('explains a deal the caller cannot see', async () => {
    const api = gateway(() => problem(400, 'task_deal_not_found'));
    renderWithProviders(<TaskCreateDialog opened onClose={vi.fn()} dealId={DEAL_ID} defaultSubject="Расчёт" />, {
      api,
    });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText(/^Описание/), 'Описание');
    await chooseExecutor(user);
    await user.click(screen.getByRole('button', { name: 'Поставить задачу' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Сделка не найдена или недоступна');
  });
});
