import { randomUUID } from 'node:crypto';
import type {
  CommissionSplitResult,
  Movement,
  Payment,
  PaymentListItem,
  PaymentListPage,
  Policy,
  PolicyCashFlow,
} from '@polis/contracts';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CRM_IDS, DEMO_CRM_USERS } from '../src/index.js';
import { type CrmHarness, daysFrom, type Json, type Person, startCrm } from './crm-harness.js';

const { clients: C, deals: D, policies: P } = DEMO_CRM_IDS;

function kopecks(amount: string): bigint {
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole ?? '0') * 100n + BigInt(fraction.padEnd(2, '0'));
}

describe('commission, cash flow, payments list and export (issue 5)', () => {
  let crm: CrmHarness;
  let T: string;

  beforeAll(async () => {
    crm = await startCrm();
    T = crm.today;
  });

  afterAll(async () => {
    await crm?.close();
  });

  const as = <T = Json>(person: Person, method: string, path: string, body?: unknown) =>
    crm.request<T>(method, path, { token: crm.tokens[person], ...(body === undefined ? {} : { body }) });

  /** A deal of the owner (team executor on it) with a policy of that premium and rate. */
  async function freshPolicy(premium: string | null = '150000.00', rate: string | null = '12.5') {
    const dealId = randomUUID();
    await crm.sql(
      `insert into crm.deals (id, client_id, owner_id, title, status, next_review_at) values ($1, $2, $3, 'Комиссия', 'won', $4)`,
      [dealId, C.C1, DEMO_CRM_USERS.sergey, T],
    );
    await crm.sql('insert into crm.deal_participants (deal_id, user_id) values ($1, $2)', [
      dealId,
      DEMO_CRM_USERS.elena,
    ]);
    const created = await as<Policy>('owner', 'POST', '/api/v1/crm/policies', {
      clientId: C.C1,
      dealId,
      policyNumber: `COM-${dealId.slice(0, 8)}`,
      premium,
      commissionRate: rate,
      ownerId: DEMO_CRM_USERS.sergey,
    });
    expect(created.status).toBe(201);
    const policy = created.body;
    return { dealId, policy, base: `/api/v1/crm/deals/${dealId}/policies/${policy.id}` };
  }

  async function newPayment(base: string, plannedAmount = '1000.00', extra: Json = {}): Promise<Payment> {
    const response = await as<Payment>('owner', 'POST', `${base}/payments`, {
      plannedAmount,
      currency: 'RUB',
      ...extra,
    });
    expect(response.status).toBe(201);
    return response.body;
  }

  async function line(
    base: string,
    paymentId: string,
    direction: 'incomes' | 'expenses',
    amount: string,
    category: string,
  ) {
    const response = await as<Movement>('owner', 'POST', `${base}/payments/${paymentId}/${direction}`, {
      amount,
      currency: 'RUB',
      category,
      postedAt: T,
    });
    expect(response.status).toBe(201);
    return response.body;
  }

  describe('commission rate of a policy', () => {
    it('is a percent string set on create and PATCH; bad values are 400 and change nothing', async () => {
      const { policy } = await freshPolicy('150000.00', '12.5');
      expect(policy.commissionRate).toBe('12.50');
      const patched = await as<Policy>('owner', 'PATCH', `/api/v1/crm/policies/${policy.id}`, { commissionRate: '10' });
      expect([patched.status, patched.body.commissionRate]).toEqual([200, '10.00']);
      for (const bad of ['100.01', '-1', '1e1', '12.345', '1,5', '', 12]) {
        const refused = await as('owner', 'PATCH', `/api/v1/crm/policies/${policy.id}`, { commissionRate: bad });
        expect([JSON.stringify(bad), refused.status]).toEqual([JSON.stringify(bad), 400]);
      }
      const read = await as<Policy>('owner', 'GET', `/api/v1/crm/policies/${policy.id}`);
      expect(read.body).toMatchObject({ commissionRate: '10.00', version: patched.body.version });
      const cleared = await as<Policy>('owner', 'PATCH', `/api/v1/crm/policies/${policy.id}`, { commissionRate: null });
      expect(cleared.body.commissionRate).toBeNull();
    });
  });

  describe('cash flow', () => {
    it('sums premium, commission, bonus and payouts in SQL; expected commission rounds half-up', async () => {
      const { base } = await freshPolicy('1.00', '50.5');
      const empty = await as<PolicyCashFlow>('owner', 'GET', `${base}/cash-flow`);
      // 1.00 × 50.5 % = 0.505 → 0.51 (half-up; half-even would say 0.50).
      expect(empty.body.commission).toEqual({ rate: '50.50', expected: '0.51', received: '0.00', outstanding: '0.51' });

      const { base: b2, policy } = await freshPolicy('150000.00', '12.5');
      const first = await newPayment(b2, '100000.00');
      const second = await newPayment(b2, '50000.00');
      const cancelled = await newPayment(b2, '7000.00');
      await line(b2, first.id, 'incomes', '100000.00', 'premium');
      await line(b2, second.id, 'incomes', '20000.00', 'installment');
      await line(b2, second.id, 'incomes', '10000.00', 'commission');
      await line(b2, second.id, 'incomes', '500.00', 'bonus');
      await line(b2, second.id, 'incomes', '0.01', 'other');
      await line(b2, first.id, 'expenses', '2000.00', 'colleague_payout');
      await line(b2, second.id, 'expenses', '1000.00', 'colleague_payout');
      await line(b2, second.id, 'expenses', '300.00', 'partner_fee');
      expect((await as('admin', 'PATCH', `${b2}/payments/${cancelled.id}`, { status: 'cancelled' })).status).toBe(200);
      const flow = await as<PolicyCashFlow>('teamExecutor', 'GET', `${b2}/cash-flow`);
      expect(flow.status).toBe(200);
      expect(flow.body).toEqual({
        policyId: policy.id,
        dealId: policy.dealId,
        policyNumber: policy.policyNumber,
        currency: 'RUB',
        premium: '150000.00',
        premiumDue: '150000.00',
        premiumPaid: '120000.00',
        premiumOutstanding: '30000.00',
        commission: { rate: '12.50', expected: '18750.00', received: '10000.00', outstanding: '8750.00' },
        bonusReceived: '500.00',
        otherIncome: '0.01',
        incomesTotal: '130500.01',
        payouts: [
          { category: 'colleague_payout', amount: '3000.00' },
          { category: 'partner_fee', amount: '300.00' },
        ],
        expensesTotal: '3300.00',
        net: '127200.01',
      });
      const noRate = await freshPolicy('1000.00', null);
      expect((await as<PolicyCashFlow>('owner', 'GET', `${noRate.base}/cash-flow`)).body.commission).toEqual({
        rate: null,
        expected: null,
        received: '0.00',
        outstanding: null,
      });
    });

    it('answers 404 to whoever does not see the deal, and for a policy under another deal', async () => {
      const { base, policy } = await freshPolicy();
      for (const person of ['otherAgent', 'outsideExecutor'] as const) {
        expect((await as(person, 'GET', `${base}/cash-flow`)).status).toBe(404);
      }
      const crossed = await as('owner', 'GET', `/api/v1/crm/deals/${D.D1}/policies/${policy.id}/cash-flow`);
      expect([crossed.status, crossed.body.code]).toEqual([404, 'policy_not_found']);
      expect((await as('owner', 'GET', `/api/v1/crm/deals/${D.D1}/policies/not-a-uuid/cash-flow`)).status).toBe(400);
      const seeded = await as<PolicyCashFlow>('owner', 'GET', `/api/v1/crm/deals/${D.D1}/policies/${P.P1}/cash-flow`);
      expect(seeded.body.commission).toEqual({
        rate: '14.00',
        expected: '350000.00',
        received: '350000.00',
        outstanding: '0.00',
      });
    });
  });

  describe('commission split', () => {
    const colleagues = [DEMO_CRM_USERS.olga, DEMO_CRM_USERS.dmitry, DEMO_CRM_USERS.elena];

    it('creates one colleague_payout line per share that add up to the kopeck, with events, and never more than received', async () => {
      const { base } = await freshPolicy();
      const payment = await newPayment(base);
      await line(base, payment.id, 'incomes', '100.00', 'commission');
      const outboxBefore = await crm.count('outbox');
      const split = await as<CommissionSplitResult>(
        'owner',
        'POST',
        `${base}/payments/${payment.id}/commission-split`,
        {
          shares: colleagues.map((userId, index) => ({
            userId,
            percent: index === 2 ? '33.34' : '33.33',
            name: `Коллега ${index + 1}`,
          })),
        },
      );
      expect(split.status).toBe(201);
      expect(split.body).toMatchObject({
        commissionReceived: '100.00',
        previouslySplit: '0.00',
        split: '100.00',
        remaining: '0.00',
        payment: { expensesTotal: '100.00', netTotal: '0.00', version: payment.version + 2 },
      });
      expect(split.body.expenses.map((expense) => [expense.amount, expense.category, expense.note])).toEqual([
        ['33.33', 'colleague_payout', 'Доля комиссии: Коллега 1 (33.33%)'],
        ['33.33', 'colleague_payout', 'Доля комиссии: Коллега 2 (33.33%)'],
        ['33.34', 'colleague_payout', 'Доля комиссии: Коллега 3 (33.34%)'],
      ]);
      const keys = await crm.sql<{ routing_key: string }>('select routing_key from crm.outbox order by seq offset $1', [
        outboxBefore,
      ]);
      expect(keys.map((row) => row.routing_key)).toEqual([
        'deal.payment.expense.created',
        'deal.payment.expense.created',
        'deal.payment.expense.created',
        'deal.payment.updated',
        'deal.updated',
      ]);

      const before = { expenses: await crm.count('payment_expenses'), outbox: await crm.count('outbox') };
      const more = await as('owner', 'POST', `${base}/payments/${payment.id}/commission-split`, {
        shares: [{ userId: colleagues[0], amount: '0.01' }],
      });
      expect([more.status, more.body.code]).toEqual([409, 'commission_split_exceeds_received']);
      expect(more.body.details).toEqual({ commissionReceived: '100.00', previouslySplit: '100.00', requested: '0.01' });
      const bad: unknown[] = [
        { shares: [] },
        { shares: [{ userId: colleagues[0], percent: '0' }] },
        { shares: [{ userId: colleagues[0], percent: '100.01' }] },
        { shares: [{ userId: colleagues[0], amount: '1e3' }] },
        {
          shares: [
            { userId: colleagues[0], percent: '10' },
            { userId: colleagues[1], amount: '1.00' },
          ],
        },
        {
          shares: [
            { userId: colleagues[0], percent: '10' },
            { userId: colleagues[0], percent: '10' },
          ],
        },
        { shares: [{ userId: 'someone', percent: '10' }] },
        { shares: [{ userId: colleagues[0], percent: '10' }], postedAt: daysFrom(T, 1) },
      ];
      for (const body of bad) {
        const refused = await as('owner', 'POST', `${base}/payments/${payment.id}/commission-split`, body);
        expect([JSON.stringify(body), refused.status]).toEqual([JSON.stringify(body), 400]);
      }
      expect({ expenses: await crm.count('payment_expenses'), outbox: await crm.count('outbox') }).toEqual(before);

      const none = await newPayment(base);
      const nothing = await as('owner', 'POST', `${base}/payments/${none.id}/commission-split`, {
        shares: [{ userId: colleagues[0], percent: '10' }],
      });
      expect([nothing.status, nothing.body.code]).toEqual([409, 'commission_split_exceeds_received']);
      const foreign = await as('otherAgent', 'POST', `${base}/payments/${payment.id}/commission-split`, {
        shares: [{ userId: colleagues[0], percent: '10' }],
      });
      expect(foreign.status).toBe(404);
    });

    it('adds up to the kopeck for any commission and percents (property)', async () => {
      const { base } = await freshPolicy();
      const percent = fc
        .integer({ min: 1, max: 3000 })
        .map((points) => `${Math.floor(points / 100)}.${String(points % 100).padStart(2, '0')}`);
      await fc.assert(
        fc.asyncProperty(
          fc.bigInt({ min: 1n, max: 99_999_999n }),
          fc.array(percent, { minLength: 1, maxLength: 3 }),
          async (received, percents) => {
            const payment = await newPayment(base);
            const amount = `${received / 100n}.${String(received % 100n).padStart(2, '0')}`;
            await line(base, payment.id, 'incomes', amount, 'commission');
            const points = percents.reduce((sum, value) => sum + kopecks(value), 0n);
            const total = (received * points * 2n + 10_000n) / 20_000n;
            const split = await as<CommissionSplitResult>(
              'owner',
              'POST',
              `${base}/payments/${payment.id}/commission-split`,
              {
                shares: percents.map((value, index) => ({ userId: colleagues[index] as string, percent: value })),
              },
            );
            if (split.status === 400) {
              // Only a share worth less than a kopeck is refused.
              expect((split.body as unknown as Json).code).toBe('share_too_small');
              expect(percents.some((value) => received * kopecks(value) < 10_000n)).toBe(true);
              return;
            }
            expect(split.status).toBe(201);
            const sum = split.body.expenses.reduce((acc, expense) => acc + kopecks(expense.amount), 0n);
            expect(sum).toBe(total);
            expect(kopecks(split.body.split)).toBe(total);
            expect(kopecks(split.body.payment.expensesTotal)).toBe(total);
            expect(kopecks(split.body.remaining)).toBe(received - total);
          },
        ),
        { numRuns: 8 },
      );
    });
  });

  describe('payments list and export', () => {
    async function listAll(person: Person, query: string): Promise<PaymentListItem[]> {
      const items: PaymentListItem[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: PaymentListPage } = await as<PaymentListPage>(
          person,
          'GET',
          `/api/v1/crm/payments?limit=2&${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        expect(page.status).toBe(200);
        items.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      return items;
    }

    it('lists visible payments by planned date with filters and keyset pages', async () => {
      const { base, policy } = await freshPolicy();
      const late = await newPayment(base, '300.00', { plannedDate: daysFrom(T, 30) });
      const early = await newPayment(base, '100.00', { plannedDate: daysFrom(T, -30) });
      const undated = await newPayment(base, '200.00');
      const paid = await newPayment(base, '50.00', { plannedDate: daysFrom(T, 1), actualDate: daysFrom(T, -1) });
      const all = await listAll('owner', `policyId=${policy.id}`);
      expect(all.map((item) => item.id)).toEqual([early.id, paid.id, late.id, undated.id]);
      expect(all[0]).toMatchObject({ policyNumber: policy.policyNumber, plannedAmount: '100.00' });
      expect((await listAll('owner', `policyId=${policy.id}&status=paid`)).map((item) => item.id)).toEqual([paid.id]);
      const window = await listAll(
        'owner',
        `policyId=${policy.id}&plannedFrom=${daysFrom(T, -1)}&plannedTo=${daysFrom(T, 30)}`,
      );
      expect(window.map((item) => item.id)).toEqual([paid.id, late.id]);
      expect(
        (await listAll('owner', `policyId=${policy.id}&paidFrom=${daysFrom(T, -2)}&paidTo=${T}`)).map(
          (item) => item.id,
        ),
      ).toEqual([paid.id]);
      expect(await listAll('otherAgent', `policyId=${policy.id}`)).toEqual([]);
      expect((await listAll('admin', `dealId=${policy.dealId}`)).length).toBe(4);
      for (const bad of [
        'status=lost',
        'plannedFrom=2025-02-30',
        `plannedFrom=${T}&plannedTo=${daysFrom(T, -1)}`,
        'cursor=nope',
        'limit=0',
      ]) {
        expect([bad, (await as('owner', 'GET', `/api/v1/crm/payments?${bad}`)).status]).toEqual([bad, 400]);
      }
    });

    it('exports the filtered list as CSV (; and BOM) and XLSX with the same rows', async () => {
      const { base, policy } = await freshPolicy();
      await newPayment(base, '1234567.89', { plannedDate: daysFrom(T, 3), comment: 'Взнос; «первый»' });
      const second = await newPayment(base, '0.10', { plannedDate: daysFrom(T, 4) });
      await line(base, second.id, 'incomes', '0.10', 'premium');
      await line(base, second.id, 'expenses', '1.00', 'discount');
      const listed = (await as<PaymentListPage>('owner', 'GET', `/api/v1/crm/payments?policyId=${policy.id}`)).body
        .items;

      const csv = await fetch(`${crm.url}/api/v1/crm/payments/export?format=csv&policyId=${policy.id}`, {
        headers: { authorization: `Bearer ${crm.tokens.owner}` },
      });
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="payments-${T}.csv"`);
      const bytes = Buffer.from(await csv.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const records = parse(bytes, { bom: true, delimiter: ';', columns: true }) as Array<Record<string, string>>;
      expect(records).toEqual(
        listed.map((item) => ({
          policy_number: item.policyNumber,
          payment_sequence: String(item.sequence),
          status: item.status,
          planned_date: item.plannedDate ?? '',
          planned_amount: item.plannedAmount,
          currency: 'RUB',
          actual_date: item.actualDate ?? '',
          incomes_total: item.incomesTotal,
          expenses_total: item.expensesTotal,
          net_total: item.netTotal,
          comment: item.comment ?? '',
          deal_id: item.dealId,
          policy_id: item.policyId,
          payment_id: item.id,
        })),
      );
      expect(records[1]?.net_total).toBe('-0.90');

      const xlsx = await fetch(`${crm.url}/api/v1/crm/payments/export?format=xlsx&policyId=${policy.id}`, {
        headers: { authorization: `Bearer ${crm.tokens.owner}` },
      });
      expect(xlsx.headers.get('content-type')).toBe(
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      );
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
      const sheet = workbook.worksheets[0] as ExcelJS.Worksheet;
      const header = (sheet.getRow(1).values as unknown[]).slice(1);
      expect(header[0]).toBe('policy_number');
      const rows = listed.map((_, index) => (sheet.getRow(index + 2).values as unknown[]).slice(1));
      expect(sheet.actualRowCount).toBe(listed.length + 1);
      rows.forEach((row, index) => {
        const item = listed[index] as PaymentListItem;
        expect(row[0]).toBe(item.policyNumber);
        expect(row[1]).toBe(item.sequence);
        expect((row[3] as Date).toISOString().slice(0, 10)).toBe(item.plannedDate);
        expect(Number(row[4]).toFixed(2)).toBe(item.plannedAmount);
        expect(Number(row[9]).toFixed(2)).toBe(item.netTotal);
        expect(row[13]).toBe(item.id);
      });
      expect(sheet.getRow(2).getCell(5).numFmt).toBe('#,##0.00');

      const foreign = await fetch(`${crm.url}/api/v1/crm/payments/export?format=csv&policyId=${policy.id}`, {
        headers: { authorization: `Bearer ${crm.tokens.otherAgent}` },
      });
      const foreignRows = parse(Buffer.from(await foreign.arrayBuffer()), { bom: true, delimiter: ';', columns: true });
      expect(foreignRows).toEqual([]);
      const bad = await fetch(`${crm.url}/api/v1/crm/payments/export?format=pdf`, {
        headers: { authorization: `Bearer ${crm.tokens.owner}` },
      });
      expect(bad.status).toBe(400);
    });
  });
});
