import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { json, problem, renderWithProviders, testApi } from '@/test/render';
import { CalculationFormDialog } from './calculation-form.dialog';
import {
  ADMIN,
  AGENCY_DIRECTORY,
  AGENT_ID,
  CLIENT_ID,
  calculation,
  crmGateway,
  deal,
  guid,
  ME_ID,
  POLICY_ID,
  policy,
} from './crm-fixtures';
import { DealCreateDialog } from './deal-create.dialog';
import { IssuePolicyDialog } from './issue-policy.dialog';
import { PolicyEditDialog } from './policy-edit.dialog';

const push = vi.fn();
vi.mock('next/navigation', () => ({ useRouter: () => ({ push }), usePathname: () => '/deals' }));

const DEAL_ID = guid(1);

describe('DealCreateDialog', () => {
  it('checks the fields with the contract before sending anything', async () => {
    const api = testApi(crmGateway());
    renderWithProviders(<DealCreateDialog opened onClose={vi.fn()} />, { api });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Создать сделку' }));
    expect(await screen.findByText('Заполните это поле')).toBeInTheDocument();

    await user.click(screen.getByRole('textbox', { name: 'Клиент' }));
    await user.click(await screen.findByRole('option', { name: 'ООО «Ромашка»' }));
    await user.click(screen.getByRole('button', { name: 'Создать сделку' }));
    // The title is empty: the contract's schema refuses it at the field.
    expect(await screen.findByText('Заполните это поле')).toBeInTheDocument();
    expect(screen.getByLabelText(/^Название/)).toHaveAttribute('aria-invalid', 'true');
    expect(api.fetch.calls.filter((call) => call.method === 'POST')).toHaveLength(0);
  });

  it('shows the API’s field error next to the field and creates the deal once it is fixed', async () => {
    const created = deal(7, 'qualification', { title: 'Страхование склада' });
    let attempts = 0;
    const api = testApi(
      crmGateway((call, path) => {
        if (path !== '/crm/deals' || call.method !== 'POST') return undefined;
        attempts += 1;
        if (attempts === 1) {
          return problem(400, 'validation_error', {
            errors: [{ field: 'body.nextReviewAt', message: 'must not be in the past' }],
          });
        }
        return json(created, 201);
      }),
    );
    const onClose = vi.fn();
    renderWithProviders(<DealCreateDialog opened onClose={onClose} clientId={CLIENT_ID} />, { api });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText(/^Название/), 'Страхование склада');
    await user.click(screen.getByRole('button', { name: 'Создать сделку' }));
    expect(await screen.findByText('must not be in the past')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Создать сделку' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    const post = api.fetch.calls.filter((call) => call.method === 'POST').at(-1);
    expect(post?.body).toMatchObject({ clientId: CLIENT_ID, title: 'Страхование склада', description: null });
    expect(push).toHaveBeenCalledWith(`/deals/${created.id}`);
  });
});

describe('DealCreateDialog owner', () => {
  function gateway(asAdmin: boolean) {
    return testApi(
      crmGateway((call, path) => {
        if (path === '/auth/me' && asAdmin) return json(ADMIN);
        if (path === '/users/directory') return json(AGENCY_DIRECTORY);
        if (path === '/crm/deals' && call.method === 'POST') return json(deal(8, 'qualification'), 201);
        return undefined;
      }),
    );
  }

  async function createDeal(api: ReturnType<typeof gateway>, pickOwner?: string) {
    const onClose = vi.fn();
    renderWithProviders(<DealCreateDialog opened onClose={onClose} clientId={CLIENT_ID} />, { api });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText(/^Название/), 'Страхование склада');
    if (pickOwner) {
      await user.click(await screen.findByRole('textbox', { name: 'Ответственный' }));
      await user.click(await screen.findByRole('option', { name: pickOwner }));
    }
    await user.click(screen.getByRole('button', { name: 'Создать сделку' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    return api.fetch.calls.find((call) => call.method === 'POST')?.body as Record<string, unknown>;
  }

  it('is not offered to an agent, whose request names no owner', async () => {
    const api = gateway(false);
    const body = await createDeal(api);
    expect(api.fetch.calls.some((call) => call.url.endsWith('/auth/me'))).toBe(true);
    expect(screen.queryByRole('textbox', { name: 'Ответственный' })).not.toBeInTheDocument();
    expect(body).toMatchObject({ clientId: CLIENT_ID, title: 'Страхование склада' });
    expect(body).not.toHaveProperty('ownerId');
  });

  it('lets an admin choose among the sales agents or nobody, defaulting to the admin', async () => {
    renderWithProviders(<DealCreateDialog opened onClose={vi.fn()} clientId={CLIENT_ID} />, { api: gateway(true) });
    const select = await screen.findByRole('textbox', { name: 'Ответственный' });
    await waitFor(() => expect(select).toHaveValue('Мария Белова'));
    await userEvent.setup().click(select);
    const options = await screen.findAllByRole('option');
    // The executor is not offered; the admin is, as the current choice.
    expect(options.map((option) => option.textContent)).toEqual([
      'Без ответственного',
      'Анна Петрова',
      'Мария Белова',
      'Ольга Кузнецова',
    ]);
  });

  it.each([
    ['Ольга Кузнецова', AGENT_ID],
    ['Без ответственного', null],
  ])('sends the admin’s choice “%s” as the owner', async (label, ownerId) => {
    const body = await createDeal(gateway(true), label);
    expect(body).toMatchObject({ clientId: CLIENT_ID, title: 'Страхование склада', ownerId });
  });

  it('sends the admin as the owner when they pick nobody else', async () => {
    const api = gateway(true);
    renderWithProviders(<DealCreateDialog opened onClose={vi.fn()} clientId={CLIENT_ID} />, { api });
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Ответственный' })).toHaveValue('Мария Белова'));
    const user = userEvent.setup();
    await user.type(screen.getByLabelText(/^Название/), 'Страхование склада');
    await user.click(screen.getByRole('button', { name: 'Создать сделку' }));
    await waitFor(() => expect(api.fetch.calls.some((call) => call.method === 'POST')).toBe(true));
    expect(api.fetch.calls.find((call) => call.method === 'POST')?.body).toMatchObject({ ownerId: ADMIN.id });
  });
});

describe('CalculationFormDialog', () => {
  it('refuses a premium with three decimals at the field and sends a typed amount as a decimal string', async () => {
    const api = testApi(
      crmGateway((call, path) =>
        path === `/crm/deals/${DEAL_ID}/calculations` && call.method === 'POST'
          ? json(calculation({ status: 'draft' }), 201)
          : undefined,
      ),
    );
    const onClose = vi.fn();
    renderWithProviders(<CalculationFormDialog dealId={DEAL_ID} opened onClose={onClose} />, { api });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText(/^Страховщик/), 'СОГАЗ');
    await user.type(screen.getByLabelText(/^Премия/), '150 000,125');
    await user.click(screen.getByRole('button', { name: 'Сохранить расчёт' }));
    expect(await screen.findByText('Некорректное значение')).toBeInTheDocument();
    expect(screen.getByLabelText(/^Премия/)).toHaveAttribute('aria-invalid', 'true');
    expect(api.fetch.calls.filter((call) => call.method === 'POST')).toHaveLength(0);

    await user.clear(screen.getByLabelText(/^Премия/));
    await user.type(screen.getByLabelText(/^Премия/), '150 000,5');
    await user.type(screen.getByLabelText(/^Файлы и ссылки/), 'quote.pdf{enter}{enter}https://insurer.test/q/1');
    await user.click(screen.getByRole('button', { name: 'Сохранить расчёт' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    const post = api.fetch.calls.find((call) => call.method === 'POST');
    expect(post?.body).toMatchObject({
      insuranceCompany: 'СОГАЗ',
      premiumAmount: '150000.5',
      coverageSum: null,
      validityPeriod: null,
      files: ['quote.pdf', 'https://insurer.test/q/1'],
      ownerId: ME_ID,
    });
  });
});

describe('IssuePolicyDialog', () => {
  it('defaults to the quote’s premium and period and shows a taken number at the number field', async () => {
    const api = testApi(
      crmGateway((call, path) =>
        path.endsWith('/policy') && call.method === 'POST'
          ? problem(409, 'policy_number_exists', { detail: 'A policy with this number exists.' })
          : undefined,
      ),
    );
    renderWithProviders(<IssuePolicyDialog dealId={DEAL_ID} calculation={calculation()} opened onClose={vi.fn()} />, {
      api,
    });
    expect(screen.getByLabelText(/^Премия/)).toHaveValue('150000.00');
    expect(screen.getByLabelText(/^Начало действия/)).toHaveValue('2025-04-01');
    const user = userEvent.setup();
    await user.type(screen.getByLabelText(/^Номер полиса/), 'ААА-100');
    await user.click(screen.getByRole('button', { name: 'Оформить полис' }));

    expect(await screen.findByText('Полис с таким номером уже есть.')).toBeInTheDocument();
    expect(screen.getByLabelText(/^Номер полиса/)).toHaveAttribute('aria-invalid', 'true');
    const post = api.fetch.calls.find((call) => call.method === 'POST');
    expect(new URL(post?.url ?? '').pathname).toBe(`/api/v1/crm/deals/${DEAL_ID}/calculations/${guid(500)}/policy`);
    expect(post?.body).toEqual({
      policyNumber: 'ААА-100',
      status: 'draft',
      premium: '150000.00',
      effectiveFrom: '2025-04-01',
      effectiveTo: '2026-03-31',
    });
  });

  it('refuses an end before the start before sending', async () => {
    const api = testApi(crmGateway());
    renderWithProviders(
      <IssuePolicyDialog
        dealId={DEAL_ID}
        calculation={calculation({ validityPeriod: null })}
        opened
        onClose={vi.fn()}
      />,
      { api },
    );
    const user = userEvent.setup();
    await user.type(screen.getByLabelText(/^Номер полиса/), 'Б-1');
    await user.type(screen.getByLabelText(/^Начало действия/), '2025-05-01');
    await user.type(screen.getByLabelText(/^Окончание действия/), '2025-04-01');
    await user.click(screen.getByRole('button', { name: 'Оформить полис' }));
    await waitFor(() => expect(screen.getByLabelText(/^Окончание действия/)).toHaveAttribute('aria-invalid', 'true'));
    expect(api.fetch.calls.filter((call) => call.method === 'POST')).toHaveLength(0);
  });
});

describe('PolicyEditDialog', () => {
  it('sends only what changed, with the version it read, and shows an API refusal at the field', async () => {
    const api = testApi(
      crmGateway((call, path) =>
        path === `/crm/policies/${POLICY_ID}` && call.method === 'PATCH'
          ? problem(400, 'validation_error', { errors: [{ field: 'effectiveTo', message: 'must cover the payments' }] })
          : undefined,
      ),
    );
    renderWithProviders(<PolicyEditDialog policy={policy()} opened onClose={vi.fn()} />, { api });
    const user = userEvent.setup();
    const premium = screen.getByLabelText(/^Премия/);
    await user.clear(premium);
    await user.type(premium, '120 000,00');
    const end = screen.getByLabelText(/^Окончание действия/);
    await user.clear(end);
    await user.type(end, '2026-06-30');
    await user.click(screen.getByRole('button', { name: 'Сохранить' }));

    expect(await screen.findByText('must cover the payments')).toBeInTheDocument();
    expect(end).toHaveAttribute('aria-invalid', 'true');
    const patch = api.fetch.calls.find((call) => call.method === 'PATCH');
    expect(patch?.body).toEqual({ premium: '120000.00', effectiveTo: '2026-06-30', version: 1 });
  });
});
