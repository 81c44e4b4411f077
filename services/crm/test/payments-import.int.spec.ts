import { randomUUID } from 'node:crypto';
import { type ImportLine, importLineSchema, type Payment } from '@polis/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CRM_IDS, DEMO_CRM_USERS } from '../src/index.js';
import { type CrmHarness, daysFrom, type Person, startCrm } from './crm-harness.js';

const { clients: C, policies: P } = DEMO_CRM_IDS;
const HEADER = 'policy_number;payment_sequence;direction;amount;currency;category;posted_at;note';

describe('payments CSV import (issue 5)', () => {
  let crm: CrmHarness;
  let T: string;

  beforeAll(async () => {
    crm = await startCrm();
    T = crm.today;
  });

  afterAll(async () => {
    await crm?.close();
  });

  /** A policy of the owner's deal (team executor on it) with `count` payments of 1000.00. */
  async function freshPolicy(count = 2): Promise<{ number: string; base: string; payments: Payment[] }> {
    const dealId = randomUUID();
    const policyId = randomUUID();
    const number = `IMP-${policyId.slice(0, 8)}`;
    await crm.sql(
      `insert into crm.deals (id, client_id, owner_id, title, status, next_review_at) values ($1, $2, $3, 'Импорт', 'won', $4)`,
      [dealId, C.C1, DEMO_CRM_USERS.sergey, T],
    );
    await crm.sql('insert into crm.deal_participants (deal_id, user_id) values ($1, $2)', [
      dealId,
      DEMO_CRM_USERS.elena,
    ]);
    await crm.sql(
      `insert into crm.policies (id, client_id, deal_id, owner_id, policy_number, status, premium) values ($1, $2, $3, $4, $5, 'active', 2000)`,
      [policyId, C.C1, dealId, DEMO_CRM_USERS.sergey, number],
    );
    const base = `/api/v1/crm/deals/${dealId}/policies/${policyId}/payments`;
    const payments: Payment[] = [];
    for (let index = 0; index < count; index += 1) {
      const created = await crm.request<Payment>('POST', base, {
        token: crm.tokens.owner,
        body: { plannedAmount: '1000.00', currency: 'RUB' },
      });
      expect(created.status).toBe(201);
      payments.push(created.body);
    }
    return { number, base, payments };
  }

  async function importCsv(
    csv: string,
    mode: 'dry-run' | 'apply',
    person: Person = 'owner',
    contentType = 'text/csv; charset=utf-8',
  ): Promise<{ status: number; type: string | null; lines: ImportLine[]; text: string }> {
    const response = await fetch(`${crm.url}/api/v1/crm/payments/import?mode=${mode}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${crm.tokens[person]}`, 'content-type': contentType },
      body: csv,
    });
    const text = await response.text();
    const lines =
      response.status === 200
        ? text
            .split('\n')
            .filter((line) => line !== '')
            .map((line) => importLineSchema.parse(JSON.parse(line)))
        : [];
    return { status: response.status, type: response.headers.get('content-type'), lines, text };
  }

  const last = (lines: ImportLine[]) => lines.at(-1);
  const written = async () => ({
    incomes: await crm.count('payment_incomes'),
    expenses: await crm.count('payment_expenses'),
    outbox: await crm.count('outbox'),
  });
  const payment = async (base: string, id: string) =>
    (await crm.request<Payment>('GET', `${base}/${id}`, { token: crm.tokens.owner })).body;

  it('dry-run checks a `;` file with a BOM and Russian dates, writes nothing', async () => {
    const { number, base, payments } = await freshPolicy();
    const csv = `\uFEFF${HEADER}\r\n${number};1;income;600.00;RUB;premium;${T.split('-').reverse().join('.')};П/п 12\r\n${number};2;доход;100;;commission;${T};\r\n${number};2;expense;20.5;RUB;colleague_payout;${daysFrom(T, -1)};Ольге\r\n`;
    const before = await written();
    const answer = await importCsv(csv, 'dry-run');
    expect(answer.status).toBe(200);
    expect(answer.type).toMatch(/^application\/x-ndjson/);
    expect(answer.lines[0]).toEqual({ type: 'progress', rows: 3 });
    expect(last(answer.lines)).toEqual({
      type: 'result',
      mode: 'dry-run',
      rows: 3,
      written: false,
      incomes: 2,
      expenses: 1,
      payments: 2,
    });
    expect(await written()).toEqual(before);
    expect(await payment(base, (payments[0] as Payment).id)).toMatchObject({ incomesTotal: '0.00', version: 1 });
  });

  it('reports every bad row with its line and reason, and writes nothing (dry-run and apply alike)', async () => {
    const mine = await freshPolicy(3);
    const [, , cancelled] = mine.payments as [Payment, Payment, Payment];
    expect(
      (
        await crm.request('PATCH', `${mine.base}/${cancelled.id}`, {
          token: crm.tokens.admin,
          body: { status: 'cancelled' },
        })
      ).status,
    ).toBe(200);
    // D5's policy belongs to another seller's deal: the owner may not see it.
    const foreign = 'CR-2024-0003';
    const ok = (amount: string) => `${mine.number};1;income;${amount};RUB;premium;${T};`;
    const rows = [
      ok('1e3'),
      ok('12.345'),
      ok('-0'),
      ok('NaN'),
      ok('"1,5"'),
      ok('0'),
      ok('100.00'),
      `НЕТ-ТАКОГО;1;income;1.00;RUB;premium;${T};`,
      `${mine.number};9;income;1.00;RUB;premium;${T};`,
      `${foreign};1;income;1.00;RUB;premium;${T};`,
      `${mine.number};3;income;1.00;RUB;premium;${T};`,
      `${mine.number};1;income;1.00;RUB;premium;${daysFrom(T, 1)};`,
      `${mine.number};1;income;1.00;USD;premium;${T};`,
      `${mine.number};1;transfer;1.00;RUB;premium;${T};`,
      `${mine.number};1;income;1.00;RUB;premium;2025-02-30;`,
      `${mine.number};x;income;1.00;RUB;;${T};`,
      `${mine.number};1;income;1.00`,
    ];
    const csv = [HEADER, ...rows].join('\n');
    const expected = [
      [2, 'invalid_amount'],
      [3, 'invalid_amount'],
      [4, 'invalid_amount'],
      [5, 'invalid_amount'],
      [6, 'invalid_amount'],
      [7, 'invalid_amount'],
      [9, 'policy_not_found'],
      [10, 'payment_not_found'],
      [11, 'policy_not_found'],
      [12, 'payment_cancelled'],
      [13, 'posted_at_in_future'],
      [14, 'unsupported_currency'],
      [15, 'invalid_direction'],
      [16, 'invalid_date'],
      [17, 'invalid_sequence'],
      [17, 'validation_error'],
      [18, 'column_count'],
    ];
    const before = await written();
    for (const mode of ['dry-run', 'apply'] as const) {
      const answer = await importCsv(csv, mode);
      const report = last(answer.lines);
      expect(report?.type).toBe('report');
      if (report?.type !== 'report') return;
      expect(report).toMatchObject({
        mode,
        rows: rows.length,
        written: false,
        errorCount: expected.length,
        truncated: false,
      });
      expect(report.errors.map((error) => [error.line, error.code])).toEqual(expected);
      expect(report.errors[4]?.message).toMatch(/dot/);
    }
    expect(await written()).toEqual(before);
    expect(await payment(mine.base, (mine.payments[0] as Payment).id)).toMatchObject({
      incomesTotal: '0.00',
      version: 1,
    });
  });

  it('applies all rows in one transaction: totals once per payment, line events plus one update each, progress on the way', async () => {
    const { number, base, payments } = await freshPolicy();
    const [first, second] = payments as [Payment, Payment];
    const rows: string[] = [];
    // 1,200 rows: 700 kopeck incomes on #1 (7.00), 500 on #2 (5.00), and one expense on #2.
    for (let index = 0; index < 700; index += 1) rows.push(`${number},1,income,0.01,RUB,premium,${T},`);
    for (let index = 0; index < 499; index += 1) rows.push(`${number},2,income,0.01,RUB,installment,${T},`);
    rows.push(`${number},2,expense,1000.00,RUB,partner_fee,${daysFrom(T, -2)},Партнёр`);
    const csv = [HEADER.replaceAll(';', ','), ...rows].join('\n');
    const outboxBefore = await crm.sql<{ routing_key: string; n: number }>(
      'select routing_key, count(*)::int as n from crm.outbox group by routing_key',
    );
    const answer = await importCsv(csv, 'apply', 'teamExecutor');
    expect(answer.status).toBe(200);
    const progress = answer.lines.filter((line) => line.type === 'progress');
    expect(progress.map((line) => line.rows)).toEqual([500, 1000, 1200]);
    expect(last(answer.lines)).toEqual({
      type: 'result',
      mode: 'apply',
      rows: 1200,
      written: true,
      incomes: 1199,
      expenses: 1,
      payments: 2,
    });
    expect(await payment(base, first.id)).toMatchObject({
      incomesTotal: '7.00',
      status: 'partially_paid',
      version: 2,
      updatedById: DEMO_CRM_USERS.elena,
    });
    expect(await payment(base, second.id)).toMatchObject({
      incomesTotal: '4.99',
      expensesTotal: '1000.00',
      netTotal: '-995.01',
      version: 2,
    });
    const outboxAfter = await crm.sql<{ routing_key: string; n: number }>(
      'select routing_key, count(*)::int as n from crm.outbox group by routing_key',
    );
    const grew = (key: string) =>
      (outboxAfter.find((row) => row.routing_key === key)?.n ?? 0) -
      (outboxBefore.find((row) => row.routing_key === key)?.n ?? 0);
    expect({
      income: grew('deal.payment.income.created'),
      expense: grew('deal.payment.expense.created'),
      payment: grew('deal.payment.updated'),
      deal: grew('deal.updated'),
    }).toEqual({ income: 1199, expense: 1, payment: 2, deal: 2 });
  });

  it('writes nothing when only the last row is bad, and caps the report', async () => {
    const { number, base, payments } = await freshPolicy(1);
    const rows = Array.from({ length: 600 }, () => `${number};1;income;1.00;RUB;premium;${T};`);
    rows.push(`${number};1;income;1.001;RUB;premium;${T};`);
    const before = await written();
    const answer = await importCsv([HEADER, ...rows].join('\n'), 'apply');
    const report = last(answer.lines);
    expect(report).toMatchObject({ type: 'report', mode: 'apply', rows: 601, errorCount: 1, written: false });
    expect(await written()).toEqual(before);
    expect(await payment(base, (payments[0] as Payment).id)).toMatchObject({ incomesTotal: '0.00', version: 1 });

    const bad = Array.from({ length: 1100 }, () => `${number};1;income;abc;RUB;premium;${T};`);
    const capped = last((await importCsv([HEADER, ...bad].join('\n'), 'dry-run')).lines);
    expect(capped).toMatchObject({ type: 'report', errorCount: 1100, truncated: true });
    expect(capped?.type === 'report' && capped.errors.length).toBe(1000);
  });

  it('refuses a payment the caller may not see, as an unknown policy, and lets the admin import it', async () => {
    const csv = `${HEADER}\nCR-2024-0001;4;income;10.00;RUB;premium;${T};`;
    const outsider = last((await importCsv(csv, 'dry-run', 'otherAgent')).lines);
    expect(outsider?.type === 'report' && outsider.errors.map((error) => error.code)).toEqual(['policy_not_found']);
    const admin = last((await importCsv(csv, 'dry-run', 'admin')).lines);
    expect(admin).toMatchObject({ type: 'result', incomes: 1, payments: 1 });
    expect(P.P1).toBeDefined();
  });

  it('refuses what is not a usable CSV', async () => {
    const json = await importCsv('{"rows":[]}', 'apply', 'owner', 'application/json');
    expect([json.status, JSON.parse(json.text).code]).toEqual([415, 'unsupported_media_type']);
    const mode = await importCsv(`${HEADER}\n`, 'apply' as never, 'owner');
    expect(mode.status).toBe(200);
    const badMode = await fetch(`${crm.url}/api/v1/crm/payments/import?mode=later`, {
      method: 'POST',
      headers: { authorization: `Bearer ${crm.tokens.owner}`, 'content-type': 'text/csv' },
      body: `${HEADER}\n`,
    });
    expect(badMode.status).toBe(400);
    const header = last((await importCsv('policy;amount\nx;1', 'dry-run')).lines);
    expect(header?.type === 'report' && header.errors.map((error) => [error.line, error.code])).toEqual([
      [1, 'unknown_column'],
      [1, 'missing_column'],
      [1, 'missing_column'],
      [1, 'missing_column'],
      [1, 'missing_column'],
      [1, 'missing_column'],
    ]);
    const empty = last((await importCsv('', 'dry-run')).lines);
    expect(empty?.type === 'report' && empty.errors.map((error) => error.code)).toEqual(['missing_header']);
    const quote = last((await importCsv(`${HEADER}\n"unterminated;1;income;1;RUB;premium;${T};`, 'dry-run')).lines);
    expect(quote?.type === 'report' && quote.errors.map((error) => error.code)).toEqual(['malformed_csv']);
  });
});
