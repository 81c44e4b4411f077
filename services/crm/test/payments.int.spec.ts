import { randomUUID } from 'node:crypto';
import type { CloudEvent } from '@polis/bus';
import { type CrmEventKey, crmEventDataSchemas, crmEventType, type Movement, type Payment } from '@polis/contracts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CRM_IDS, DEMO_CRM_USERS } from '../src/index.js';
import {
  type CrmHarness,
  daysFrom,
  EventRecorder,
  eventually,
  type Json,
  type Person,
  startCrm,
} from './crm-harness.js';

const { clients: C } = DEMO_CRM_IDS;

/** Kopecks of a 2-decimal string, as a BigInt: the test's exact model of money. */
function kopecks(amount: string): bigint {
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole ?? '0') * 100n + BigInt(fraction.padEnd(2, '0'));
}
function rubles(value: bigint): string {
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

describe('payments (domain.md §2.8–2.9, §3.4, invariants 1–9, 25)', () => {
  let crm: CrmHarness;
  let T: string;
  const recorder = new EventRecorder();

  beforeAll(async () => {
    crm = await startCrm({ beforeStart: (backend) => recorder.bind(backend) });
    T = crm.today;
  });

  afterAll(async () => {
    await crm?.close();
  });

  /** A deal of the owner on C1 with the team executor on it, and a policy in it (setup by SQL, not the subject). */
  async function freshPolicy(): Promise<{ dealId: string; policyId: string; base: string }> {
    const dealId = randomUUID();
    const policyId = randomUUID();
    await crm.sql(
      `insert into crm.deals (id, client_id, owner_id, title, status, next_review_at) values ($1, $2, $3, 'Платежи', 'qualification', $4)`,
      [dealId, C.C1, DEMO_CRM_USERS.sergey, T],
    );
    await crm.sql('insert into crm.deal_participants (deal_id, user_id) values ($1, $2)', [
      dealId,
      DEMO_CRM_USERS.elena,
    ]);
    await crm.sql(
      `insert into crm.policies (id, client_id, deal_id, owner_id, policy_number, status, premium, effective_from, effective_to)
       values ($1, $2, $3, $4, $5, 'active', 150000, $6, $7)`,
      [policyId, C.C1, dealId, DEMO_CRM_USERS.sergey, `PAY-${policyId.slice(0, 13)}`, T, daysFrom(T, 364)],
    );
    return { dealId, policyId, base: `/api/v1/crm/deals/${dealId}/policies/${policyId}/payments` };
  }

  const as = <T = Json>(person: Person, method: string, path: string, body?: unknown) =>
    crm.request<T>(method, path, { token: crm.tokens[person], ...(body === undefined ? {} : { body }) });

  async function newPayment(base: string, plannedAmount = '150000.00', extra: Json = {}): Promise<Payment> {
    const response = await as<Payment>('owner', 'POST', base, { plannedAmount, currency: 'RUB', ...extra });
    expect(response.status).toBe(201);
    return response.body;
  }

  async function addLine(path: string, amount: string, extra: Json = {}, person: Person = 'owner'): Promise<Movement> {
    const response = await as<Movement>(person, 'POST', path, {
      amount,
      currency: 'RUB',
      category: 'premium',
      postedAt: T,
      ...extra,
    });
    expect(response.status).toBe(201);
    return response.body;
  }

  const getPayment = async (base: string, id: string) => (await as<Payment>('owner', 'GET', `${base}/${id}`)).body;

  /** What the database holds for a payment against the sums of its live lines (as the owner of the schema). */
  async function storedVsLines(paymentId: string) {
    const [row] = await crm.sql<{
      incomes_total: string;
      expenses_total: string;
      net_total: string;
      incomes_sum: string;
      expenses_sum: string;
    }>(
      `select p.incomes_total::text, p.expenses_total::text, p.net_total::text,
         (select coalesce(sum(amount), 0)::numeric(14,2)::text from crm.payment_incomes where payment_id = p.id and not is_deleted) as incomes_sum,
         (select coalesce(sum(amount), 0)::numeric(14,2)::text from crm.payment_expenses where payment_id = p.id and not is_deleted) as expenses_sum
       from crm.payments p where p.id = $1`,
      [paymentId],
    );
    return row;
  }

  it('creates payments numbered per policy, scheduled, with zero totals', async () => {
    const { base, dealId, policyId } = await freshPolicy();
    const first = await newPayment(base, '50000.00', { plannedDate: daysFrom(T, 30), comment: 'Первый взнос' });
    expect(first).toMatchObject({
      dealId,
      policyId,
      sequence: 1,
      status: 'scheduled',
      plannedAmount: '50000.00',
      currency: 'RUB',
      incomesTotal: '0.00',
      expensesTotal: '0.00',
      netTotal: '0.00',
      actualDate: null,
      createdById: DEMO_CRM_USERS.sergey,
      version: 1,
    });
    const second = await newPayment(base, '100000');
    expect(second.sequence).toBe(2);
    expect(second.plannedAmount).toBe('100000.00');
    const list = await as<{ items: Payment[]; total: number }>('owner', 'GET', `${base}?limit=1&offset=1`);
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(2);
    expect(list.body.items.map((payment) => payment.sequence)).toEqual([2]);
  });

  it('derives status from incomes: 80 000 of 150 000 is partially paid, deleting it is scheduled again (invariant 7)', async () => {
    const { base } = await freshPolicy();
    const payment = await newPayment(base);
    const income = await addLine(`${base}/${payment.id}/incomes`, '80000.00', { postedAt: daysFrom(T, -3) });
    expect(await getPayment(base, payment.id)).toMatchObject({
      status: 'partially_paid',
      incomesTotal: '80000.00',
      netTotal: '80000.00',
      actualDate: null,
    });
    expect((await as('owner', 'DELETE', `${base}/${payment.id}/incomes/${income.id}`)).status).toBe(204);
    expect(await getPayment(base, payment.id)).toMatchObject({ status: 'scheduled', incomesTotal: '0.00' });

    await addLine(`${base}/${payment.id}/incomes`, '100000.00', { postedAt: daysFrom(T, -5) });
    await addLine(`${base}/${payment.id}/incomes`, '50000.00', { postedAt: daysFrom(T, -2), category: 'installment' });
    const paid = await getPayment(base, payment.id);
    expect(paid).toMatchObject({ status: 'paid', incomesTotal: '150000.00', actualDate: daysFrom(T, -2) });
    expect(paid.recordedById).toBeNull();
  });

  it('closes a payment by hand (actualDate + recordedById) and reopens it', async () => {
    const { base } = await freshPolicy();
    const payment = await newPayment(base);
    await addLine(`${base}/${payment.id}/expenses`, '1500.00', { category: 'colleague_payout' });
    const closed = await as<Payment>('teamExecutor', 'PATCH', `${base}/${payment.id}`, { actualDate: T });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({
      status: 'paid',
      actualDate: T,
      recordedById: DEMO_CRM_USERS.elena,
      netTotal: '-1500.00',
      version: payment.version + 2,
    });
    expect(closed.headers.get('etag')).toBe(`"${closed.body.version}"`);
    const reopened = await as<Payment>('owner', 'PATCH', `${base}/${payment.id}`, { actualDate: null });
    expect(reopened.body).toMatchObject({ status: 'scheduled', actualDate: null, recordedById: null });
    const stale = await as('owner', 'PATCH', `${base}/${payment.id}`, { comment: 'x', version: closed.body.version });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('version_conflict');
    const created = await newPayment(base, '10.00', { actualDate: daysFrom(T, -1) });
    expect(created).toMatchObject({ status: 'paid', actualDate: daysFrom(T, -1), recordedById: DEMO_CRM_USERS.sergey });
  });

  it('keeps totals to the kopeck through creates, updates and deletes (invariant 1)', async () => {
    const { base } = await freshPolicy();
    const payment = await newPayment(base, '0.30');
    const incomes = `${base}/${payment.id}/incomes`;
    const expenses = `${base}/${payment.id}/expenses`;
    const a = await addLine(incomes, '0.10');
    await addLine(incomes, '0.20');
    expect(await getPayment(base, payment.id)).toMatchObject({ incomesTotal: '0.30', status: 'paid' });
    const fee = await addLine(expenses, '999999999.99', { category: 'agent_fee' });
    await addLine(expenses, '0.01', { category: 'discount' });
    const patched = await as<Movement>('owner', 'PATCH', `${incomes}/${a.id}`, { amount: '0.11', note: 'поправка' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ amount: '0.11', note: 'поправка', updatedById: DEMO_CRM_USERS.sergey });
    expect(await getPayment(base, payment.id)).toMatchObject({
      incomesTotal: '0.31',
      expensesTotal: '1000000000.00',
      netTotal: '-999999999.69',
    });
    expect((await as('owner', 'DELETE', `${expenses}/${fee.id}`)).status).toBe(204);
    expect(await getPayment(base, payment.id)).toMatchObject({ expensesTotal: '0.01', netTotal: '0.30' });
    const withLines = await as<Payment>('owner', 'GET', `${base}/${payment.id}?include=incomes&include=expenses`);
    expect(withLines.body.incomes?.map((line) => line.amount).sort()).toEqual(['0.11', '0.20']);
    expect(withLines.body.expenses?.map((line) => line.amount)).toEqual(['0.01']);
    const stored = await storedVsLines(payment.id);
    expect(stored?.incomes_total).toBe(stored?.incomes_sum);
    expect(stored?.expenses_total).toBe(stored?.expenses_sum);
  });

  it('never reuses a sequence after a deletion (invariant 6)', async () => {
    const { base } = await freshPolicy();
    await newPayment(base);
    const second = await newPayment(base);
    expect((await as('owner', 'DELETE', `${base}/${second.id}`)).status).toBe(204);
    expect((await as('owner', 'GET', `${base}/${second.id}`)).status).toBe(404);
    const third = await newPayment(base);
    expect(third.sequence).toBe(3);
  });

  it('refuses to delete a payment with live lines, and hides the lines of a deleted one (invariant 9)', async () => {
    const { base } = await freshPolicy();
    const payment = await newPayment(base);
    const income = await addLine(`${base}/${payment.id}/incomes`, '10.00');
    const refused = await as('owner', 'DELETE', `${base}/${payment.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('payment_has_transactions');
    await as('owner', 'DELETE', `${base}/${payment.id}/incomes/${income.id}`);
    expect((await as('owner', 'DELETE', `${base}/${payment.id}`)).status).toBe(204);
    expect((await as('owner', 'GET', `${base}/${payment.id}/incomes`)).status).toBe(404);
    const missing = await as('owner', 'PATCH', `${base}/${payment.id}/incomes/${income.id}`, { amount: '1.00' });
    expect(missing.status).toBe(404);
  });

  it('keeps a policy with live payments from being deleted', async () => {
    const { base, policyId } = await freshPolicy();
    const payment = await newPayment(base);
    const refused = await as('owner', 'PATCH', `/api/v1/crm/policies/${policyId}`, { isDeleted: true });
    expect([refused.status, refused.body.code]).toEqual([409, 'policy_has_payments']);
    await as('owner', 'DELETE', `${base}/${payment.id}`);
    expect((await as('owner', 'PATCH', `/api/v1/crm/policies/${policyId}`, { isDeleted: true })).status).toBe(200);
  });

  it('lets only an administrator cancel; cancelled is sticky and freezes lines (invariant 8)', async () => {
    const { base } = await freshPolicy();
    const payment = await newPayment(base);
    const income = await addLine(`${base}/${payment.id}/incomes`, '10.00');
    for (const person of ['owner', 'teamExecutor'] as const) {
      const refused = await as(person, 'PATCH', `${base}/${payment.id}`, { status: 'cancelled' });
      expect(refused.status).toBe(403);
    }
    const cancelled = await as<Payment>('admin', 'PATCH', `${base}/${payment.id}`, { status: 'cancelled' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const frozen = [
      await as('owner', 'POST', `${base}/${payment.id}/incomes`, {
        amount: '1.00',
        currency: 'RUB',
        category: 'cash',
        postedAt: T,
      }),
      await as('owner', 'PATCH', `${base}/${payment.id}/incomes/${income.id}`, { amount: '1.00' }),
      await as('owner', 'DELETE', `${base}/${payment.id}/incomes/${income.id}`),
      await as('admin', 'PATCH', `${base}/${payment.id}`, { plannedAmount: '5.00' }),
    ];
    expect(frozen.map((response) => [response.status, response.body?.code])).toEqual(
      Array.from({ length: 4 }, () => [409, 'payment_cancelled']),
    );
    expect(await getPayment(base, payment.id)).toMatchObject({ status: 'cancelled', incomesTotal: '10.00' });
  });

  it('answers 404 to whoever does not see the deal, and for a policy under another deal (invariant 5, 27)', async () => {
    const { base, policyId } = await freshPolicy();
    const other = await freshPolicy();
    const payment = await newPayment(base);
    for (const person of ['otherAgent', 'outsideExecutor'] as const) {
      expect((await as(person, 'GET', base)).status).toBe(404);
      expect((await as(person, 'GET', `${base}/${payment.id}`)).status).toBe(404);
      const write = await as(person, 'POST', base, { plannedAmount: '1.00', currency: 'RUB' });
      expect(write.status).toBe(404);
      expect(write.body.code).toBe('policy_not_found');
    }
    expect((await as('teamExecutor', 'GET', `${base}/${payment.id}`)).status).toBe(200);
    expect((await as('admin', 'GET', `${base}/${payment.id}`)).status).toBe(200);
    const crossed = await as('owner', 'GET', `/api/v1/crm/deals/${other.dealId}/policies/${policyId}/payments`);
    expect(crossed.status).toBe(404);
    expect(crossed.body.code).toBe('policy_not_found');
    const crossedPayment = await as('owner', 'GET', `${other.base}/${payment.id}`);
    expect(crossedPayment.body.code).toBe('payment_not_found');
  });

  it('refuses malformed money, foreign currencies, future dates and client totals, writing nothing (invariants 2–4)', async () => {
    const { base } = await freshPolicy();
    const payment = await newPayment(base);
    const lines = `${base}/${payment.id}/incomes`;
    const before = {
      payments: await crm.count('payments'),
      incomes: await crm.count('payment_incomes'),
      outbox: await crm.count('outbox'),
    };
    const bad: Array<[string, unknown, string]> = [];
    for (const amount of [
      '1e3',
      '12.345',
      '-0',
      '-1.00',
      'NaN',
      '1,5',
      '+1',
      '0',
      '0.00',
      '',
      ' 1',
      '007',
      '1.',
      1000,
    ]) {
      bad.push([base, { plannedAmount: amount, currency: 'RUB' }, 'validation_error']);
      bad.push([lines, { amount, currency: 'RUB', category: 'cash', postedAt: T }, 'validation_error']);
    }
    bad.push([base, { plannedAmount: '1.00', currency: 'USD' }, 'unsupported_currency']);
    bad.push([base, { plannedAmount: '1.00', currency: 'RUB', incomesTotal: '5.00' }, 'validation_error']);
    bad.push([base, { plannedAmount: '1.00', currency: 'RUB', actualDate: daysFrom(T, 1) }, 'actual_date_in_future']);
    bad.push([lines, { amount: '1.00', currency: 'USD', category: 'cash', postedAt: T }, 'currency_mismatch']);
    bad.push([
      lines,
      { amount: '1.00', currency: 'RUB', category: 'cash', postedAt: daysFrom(T, 1) },
      'posted_at_in_future',
    ]);
    bad.push([lines, { amount: '1.00', currency: 'RUB', category: 'x'.repeat(65), postedAt: T }, 'validation_error']);
    bad.push([
      lines,
      { amount: '1.00', currency: 'RUB', category: 'cash', postedAt: T, note: 'n'.repeat(301) },
      'validation_error',
    ]);
    for (const [path, body, code] of bad) {
      const response = await as('owner', 'POST', path, body);
      expect([JSON.stringify(body), response.status, response.body.code]).toEqual([JSON.stringify(body), 400, code]);
    }
    const patch = await as('owner', 'PATCH', `${base}/${payment.id}`, { actualDate: daysFrom(T, 1) });
    expect(patch.body.code).toBe('actual_date_in_future');
    const totals = await as('owner', 'PATCH', `${base}/${payment.id}`, { netTotal: '1.00' });
    expect(totals.status).toBe(400);
    expect({
      payments: await crm.count('payments'),
      incomes: await crm.count('payment_incomes'),
      outbox: await crm.count('outbox'),
    }).toEqual(before);
    expect(await getPayment(base, payment.id)).toMatchObject({ version: 1, incomesTotal: '0.00' });
  });

  it('plans the premium as installments that add up to it to the kopeck', async () => {
    const { base, policyId } = await freshPolicy();
    await crm.sql('update crm.policies set premium = 100000.01 where id = $1', [policyId]);
    const planned = await as<{ items: Payment[]; total: number }>('owner', 'POST', `${base}/schedule`, {
      count: 3,
      firstDate: '2025-01-31',
      intervalMonths: 1,
    });
    expect(planned.status).toBe(201);
    expect(planned.body.items.map((payment) => [payment.sequence, payment.plannedDate, payment.plannedAmount])).toEqual(
      [
        [1, '2025-01-31', '33333.34'],
        [2, '2025-02-28', '33333.34'],
        [3, '2025-03-31', '33333.33'],
      ],
    );
    const [sum] = await crm.sql<{ total: string }>(
      'select sum(planned_amount)::text as total from crm.payments where policy_id = $1 and not is_deleted',
      [policyId],
    );
    expect(sum?.total).toBe('100000.01');
    const again = await as('owner', 'POST', `${base}/schedule`, { count: 2, firstDate: T, intervalMonths: 1 });
    expect([again.status, again.body.code]).toEqual([409, 'payments_already_scheduled']);
    const bare = await freshPolicy();
    await crm.sql('update crm.policies set premium = null where id = $1', [bare.policyId]);
    const noPremium = await as('owner', 'POST', `${bare.base}/schedule`, { count: 2, firstDate: T, intervalMonths: 1 });
    expect([noPremium.status, noPremium.body.code]).toEqual([400, 'premium_required']);
    const tooMany = await as('owner', 'POST', `${bare.base}/schedule`, { count: 0, firstDate: T, intervalMonths: 1 });
    expect(tooMany.status).toBe(400);
  });

  describe('events (invariant 25)', () => {
    async function settle(): Promise<void> {
      await eventually(async () => {
        const [row] = await crm.sql<{ total: number; pending: number }>(
          'select count(*)::int as total, count(*) filter (where published_at is null)::int as pending from crm.outbox',
        );
        return row && row.pending === 0 && recorder.events.length === row.total ? true : undefined;
      });
    }

    async function eventsOf(action: () => Promise<{ status: number }>, status: number): Promise<CloudEvent[]> {
      await settle();
      const mark = recorder.mark();
      expect((await action()).status).toBe(status);
      await settle();
      return mark.since();
    }

    const types = (...keys: CrmEventKey[]) => keys.map(crmEventType);
    const dataOf = (event: CloudEvent | undefined, key: CrmEventKey) => {
      expect(event?.type).toBe(crmEventType(key));
      return crmEventDataSchemas[key].parse(event?.data) as Json;
    };

    it('publishes the line event, the full payment and deal.updated for each change, and nothing on failure', async () => {
      const { base, dealId, policyId } = await freshPolicy();
      let payment = {} as Payment;
      const created = await eventsOf(async () => {
        const response = await as<Payment>('owner', 'POST', base, { plannedAmount: '150000.00', currency: 'RUB' });
        payment = response.body;
        return response;
      }, 201);
      expect(created.map((event) => event.type)).toEqual(types('deal.payment.created', 'deal.updated'));
      expect(dataOf(created[0], 'deal.payment.created')).toMatchObject({
        dealId,
        policyId,
        payment: { id: payment.id },
      });

      let income = {} as Movement;
      const added = await eventsOf(async () => {
        const response = await as<Movement>('owner', 'POST', `${base}/${payment.id}/incomes`, {
          amount: '80000.00',
          currency: 'RUB',
          category: 'premium',
          postedAt: T,
        });
        income = response.body;
        return response;
      }, 201);
      expect(added.map((event) => event.type)).toEqual(
        types('deal.payment.income.created', 'deal.payment.updated', 'deal.updated'),
      );
      expect(added[0]?.subject).toBe(income.id);
      expect(dataOf(added[0], 'deal.payment.income.created')).toMatchObject({
        paymentId: payment.id,
        income: { incomeId: income.id, amount: '80000.00', postedAt: T },
      });
      expect(dataOf(added[1], 'deal.payment.updated')).toMatchObject({
        payment: { id: payment.id, status: 'partially_paid', incomesTotal: '80000.00', incomes: [{ id: income.id }] },
      });
      expect(dataOf(added[2], 'deal.updated')).toMatchObject({
        dealId,
        changes: { payment: { id: payment.id, status: 'partially_paid' } },
        previous: { payment: { status: 'scheduled' } },
      });

      const updated = await eventsOf(
        () => as('owner', 'PATCH', `${base}/${payment.id}/incomes/${income.id}`, { amount: '150000.00' }),
        200,
      );
      expect(updated.map((event) => event.type)).toEqual(
        types('deal.payment.income.updated', 'deal.payment.updated', 'deal.updated'),
      );
      expect(dataOf(updated[0], 'deal.payment.income.updated')).toMatchObject({ previous: { amount: '80000.00' } });

      const expense = await eventsOf(
        () =>
          as('owner', 'POST', `${base}/${payment.id}/expenses`, {
            amount: '500.00',
            currency: 'RUB',
            category: 'discount',
            postedAt: T,
          }),
        201,
      );
      expect(expense.map((event) => event.type)).toEqual(
        types('deal.payment.expense.created', 'deal.payment.updated', 'deal.updated'),
      );

      const deleted = await eventsOf(
        () => as('owner', 'DELETE', `${base}/${payment.id}/incomes/${income.id}?deletedById=${DEMO_CRM_USERS.anna}`),
        204,
      );
      expect(deleted.map((event) => event.type)).toEqual(
        types('deal.payment.income.deleted', 'deal.payment.updated', 'deal.updated'),
      );
      expect(dataOf(deleted[0], 'deal.payment.income.deleted')).toMatchObject({
        income: { incomeId: income.id, deletedById: DEMO_CRM_USERS.anna },
      });

      const failed = await eventsOf(
        () =>
          as('owner', 'POST', `${base}/${payment.id}/incomes`, {
            amount: '1.00',
            currency: 'USD',
            category: 'cash',
            postedAt: T,
          }),
        400,
      );
      expect(failed).toEqual([]);
      const refused = await eventsOf(() => as('owner', 'DELETE', `${base}/${payment.id}`), 409);
      expect(refused).toEqual([]);
      const unchanged = await eventsOf(
        () => as('owner', 'PATCH', `${base}/${payment.id}`, { plannedAmount: '150000', actualDate: null }),
        200,
      );
      expect(unchanged).toEqual([]);
    });
  });

  describe('totals always equal the sum of live lines (property)', () => {
    type Op =
      | { kind: 'add'; direction: 'incomes' | 'expenses'; amount: string }
      | { kind: 'update'; pick: number; amount: string }
      | { kind: 'delete'; pick: number };
    const amount = fc.bigInt({ min: 1n, max: 99_999_999n }).map((value) => rubles(value));
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        kind: fc.constant('add' as const),
        direction: fc.constantFrom('incomes' as const, 'expenses' as const),
        amount,
      }),
      fc.record({ kind: fc.constant('update' as const), pick: fc.nat(), amount }),
      fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
    );

    it('after any sequence of line creates, updates and deletes', async () => {
      const { base } = await freshPolicy();
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
          const payment = await newPayment(base, '1000.00');
          const live = new Map<string, { direction: 'incomes' | 'expenses'; amount: string }>();
          for (const step of ops) {
            const ids = [...live.keys()];
            if (step.kind === 'add') {
              const line = await addLine(`${base}/${payment.id}/${step.direction}`, step.amount, {
                category: 'test',
              });
              live.set(line.id, { direction: step.direction, amount: step.amount });
            } else if (ids.length > 0) {
              const id = ids[step.pick % ids.length] as string;
              const entry = live.get(id) as { direction: 'incomes' | 'expenses'; amount: string };
              const path = `${base}/${payment.id}/${entry.direction}/${id}`;
              if (step.kind === 'update') {
                expect((await as('owner', 'PATCH', path, { amount: step.amount })).status).toBe(200);
                live.set(id, { ...entry, amount: step.amount });
              } else {
                expect((await as('owner', 'DELETE', path)).status).toBe(204);
                live.delete(id);
              }
            }
          }
          const sum = (direction: 'incomes' | 'expenses') =>
            [...live.values()]
              .filter((line) => line.direction === direction)
              .reduce((total, line) => total + kopecks(line.amount), 0n);
          const incomes = sum('incomes');
          const expenses = sum('expenses');
          const stored = await getPayment(base, payment.id);
          expect([stored.incomesTotal, stored.expensesTotal, stored.netTotal]).toEqual([
            rubles(incomes),
            rubles(expenses),
            rubles(incomes - expenses),
          ]);
          const expectedStatus = incomes >= 100_000n ? 'paid' : incomes > 0n ? 'partially_paid' : 'scheduled';
          expect(stored.status).toBe(expectedStatus);
          const row = await storedVsLines(payment.id);
          expect([row?.incomes_total, row?.expenses_total]).toEqual([row?.incomes_sum, row?.expenses_sum]);
        }),
        { numRuns: 12 },
      );
    });
  });
});
