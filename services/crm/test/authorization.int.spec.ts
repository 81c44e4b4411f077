import { randomUUID } from 'node:crypto';
import type { ClientsPage, DealsPage } from '@polis/contracts';
import { withIdentity } from '@polis/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRM_ROUTES, DEMO_CRM_IDS, DEMO_CRM_USERS } from '../src/index.js';
import { type CrmHarness, daysFrom, PEOPLE, type Person, startCrm } from './crm-harness.js';

const { deals: D, clients: C, policies: P, calculations: Q } = DEMO_CRM_IDS;

/** The callers of the matrix (ARCHITECTURE.md §5): D1 is the owner's deal with the team executor on it. */
const CALLERS = ['admin', 'owner', 'otherAgent', 'teamExecutor', 'outsideExecutor', 'anonymous'] as const;
type Caller = (typeof CALLERS)[number];
type Expected = Record<Caller, number>;

/** A route on D1 (or beneath it): whoever does not see the deal gets 404, never 403. */
const onD1 = (admin: number, owner: number, teamExecutor: number): Expected => ({
  admin,
  owner,
  otherAgent: 404,
  teamExecutor,
  outsideExecutor: 404,
  anonymous: 401,
});
/** Any signed-in caller (lists filter rows rather than refuse). */
const anyone = (status: number): Expected => ({
  admin: status,
  owner: status,
  otherAgent: status,
  teamExecutor: status,
  outsideExecutor: status,
  anonymous: 401,
});

interface RouteCase {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The documented path template (OpenAPI), to check that every route is in the matrix. */
  template: string;
  /** The request for one caller; routes that change state get fresh records per caller. */
  prepare: (caller: Caller) => Promise<{ path: string; body?: unknown; csv?: string }>;
  expected: Expected;
  stream?: boolean;
}

describe('authorization', () => {
  let crm: CrmHarness;
  let T: string;

  beforeAll(async () => {
    crm = await startCrm({ documents: true });
    T = crm.today;
  });

  afterAll(async () => {
    await crm?.close();
  });

  /** A deal of the owner on C1 with the team executor on it (raw SQL: setup, not the subject). */
  async function freshDeal(status = 'qualification'): Promise<string> {
    const id = randomUUID();
    await crm.sql(
      `insert into crm.deals (id, client_id, owner_id, title, status, next_review_at) values ($1, $2, $3, 'Матрица', $4, $5)`,
      [id, C.C1, DEMO_CRM_USERS.sergey, status, T],
    );
    await crm.sql('insert into crm.deal_participants (deal_id, user_id) values ($1, $2)', [id, DEMO_CRM_USERS.elena]);
    return id;
  }

  async function freshCalculation(dealId: string, status: 'draft' | 'ready' | 'confirmed'): Promise<string> {
    const id = randomUUID();
    await crm.sql(
      `insert into crm.calculations (id, deal_id, owner_id, insurance_company, program_name, premium_amount,
         calculation_date, validity_period, status, files)
       values ($1, $2, $3, 'ВСК', 'Программа', 1000, $4, daterange($4::date, ($4::date + 364), '[]'), $5, '["q.pdf"]')`,
      [id, dealId, DEMO_CRM_USERS.elena, T, status],
    );
    return id;
  }

  async function freshPolicy(dealId: string, status: 'draft' | 'active'): Promise<string> {
    const id = randomUUID();
    await crm.sql(
      `insert into crm.policies (id, client_id, deal_id, owner_id, policy_number, status, effective_from, effective_to)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, C.C1, dealId, DEMO_CRM_USERS.sergey, `M-${id.slice(0, 13)}`, status, T, daysFrom(T, 100)],
    );
    return id;
  }

  const base = '/api/v1/crm';
  const PAYMENTS = '/api/v1/crm/deals/{dealId}/policies/{policyId}/payments';

  /** A payment (sequence 1) on a fresh policy of D1: its path and id. */
  async function freshPayment(): Promise<{ path: string; paymentId: string }> {
    const policyId = await freshPolicy(D.D1, 'active');
    const paymentId = randomUUID();
    await crm.sql(
      `insert into crm.payments (id, deal_id, policy_id, sequence, planned_amount) values ($1, $2, $3, 1, 1000)`,
      [paymentId, D.D1, policyId],
    );
    return { path: `${base}/deals/${D.D1}/policies/${policyId}/payments/${paymentId}`, paymentId };
  }
  const routes: RouteCase[] = [
    {
      name: 'list clients',
      method: 'GET',
      template: '/api/v1/crm/clients',
      prepare: async () => ({ path: `${base}/clients` }),
      expected: anyone(200),
    },
    {
      name: 'create client',
      method: 'POST',
      template: '/api/v1/crm/clients',
      prepare: async () => ({ path: `${base}/clients`, body: { name: 'Матричный клиент' } }),
      expected: { ...anyone(201), teamExecutor: 403, outsideExecutor: 403 },
    },
    {
      name: 'get client',
      method: 'GET',
      template: '/api/v1/crm/clients/{clientId}',
      prepare: async () => ({ path: `${base}/clients/${C.C1}` }),
      expected: onD1(200, 200, 200),
    },
    {
      name: 'edit client',
      method: 'PATCH',
      template: '/api/v1/crm/clients/{clientId}',
      prepare: async () => ({ path: `${base}/clients/${C.C1}`, body: { phone: '+7-495-100-2000' } }),
      expected: onD1(200, 200, 200),
    },
    {
      name: 'list deals',
      method: 'GET',
      template: '/api/v1/crm/deals',
      prepare: async () => ({ path: `${base}/deals` }),
      expected: anyone(200),
    },
    {
      name: 'create deal',
      method: 'POST',
      template: '/api/v1/crm/deals',
      prepare: async () => ({ path: `${base}/deals`, body: { clientId: C.C1, title: 'Матрица', nextReviewAt: T } }),
      expected: { admin: 201, owner: 201, otherAgent: 404, teamExecutor: 403, outsideExecutor: 403, anonymous: 401 },
    },
    {
      name: 'stage metrics',
      method: 'GET',
      template: '/api/v1/crm/deals/stage-metrics',
      prepare: async () => ({ path: `${base}/deals/stage-metrics` }),
      expected: anyone(200),
    },
    {
      name: 'get deal',
      method: 'GET',
      template: '/api/v1/crm/deals/{dealId}',
      prepare: async () => ({ path: `${base}/deals/${D.D1}` }),
      expected: onD1(200, 200, 200),
    },
    {
      name: 'edit deal',
      method: 'PATCH',
      template: '/api/v1/crm/deals/{dealId}',
      prepare: async () => ({ path: `${base}/deals/${D.D1}`, body: { description: 'Проверено матрицей' } }),
      expected: onD1(200, 200, 403),
    },
    {
      name: 'move deal stage',
      method: 'PATCH',
      template: '/api/v1/crm/deals/{dealId}/stage',
      prepare: async () => ({ path: `${base}/deals/${await freshDeal()}/stage`, body: { stage: 'negotiation' } }),
      expected: onD1(200, 200, 403),
    },
    {
      name: 'park deal',
      method: 'POST',
      template: '/api/v1/crm/deals/{dealId}/park',
      prepare: async () => ({ path: `${base}/deals/${D.D1}/park`, body: {} }),
      expected: onD1(200, 200, 403),
    },
    {
      name: 'delete deal',
      method: 'DELETE',
      template: '/api/v1/crm/deals/{dealId}',
      prepare: async () => ({ path: `${base}/deals/${await freshDeal()}` }),
      expected: onD1(204, 403, 403),
    },
    {
      name: 'list team',
      method: 'GET',
      template: '/api/v1/crm/deals/{dealId}/participants',
      prepare: async () => ({ path: `${base}/deals/${D.D1}/participants` }),
      expected: onD1(200, 200, 200),
    },
    {
      name: 'add team member',
      method: 'POST',
      template: '/api/v1/crm/deals/{dealId}/participants',
      prepare: async () => ({ path: `${base}/deals/${D.D1}/participants`, body: { userId: randomUUID() } }),
      expected: onD1(201, 201, 403),
    },
    {
      name: 'remove team member',
      method: 'DELETE',
      template: '/api/v1/crm/deals/{dealId}/participants/{userId}',
      prepare: async () => {
        const userId = randomUUID();
        await crm.sql('insert into crm.deal_participants (deal_id, user_id) values ($1, $2)', [D.D1, userId]);
        return { path: `${base}/deals/${D.D1}/participants/${userId}` };
      },
      expected: onD1(204, 204, 403),
    },
    {
      name: 'read journal',
      method: 'GET',
      template: '/api/v1/crm/deals/{dealId}/journal',
      prepare: async () => ({ path: `${base}/deals/${D.D1}/journal` }),
      expected: onD1(200, 200, 200),
    },
    {
      name: 'append journal',
      method: 'POST',
      template: '/api/v1/crm/deals/{dealId}/journal',
      prepare: async () => ({ path: `${base}/deals/${D.D1}/journal`, body: { body: 'Запись матрицы' } }),
      expected: onD1(201, 201, 201),
    },
    {
      name: 'list calculations',
      method: 'GET',
      template: '/api/v1/crm/deals/{dealId}/calculations',
      prepare: async () => ({ path: `${base}/deals/${D.D1}/calculations` }),
      expected: onD1(200, 200, 200),
    },
    {
      name: 'compare calculations',
      method: 'GET',
      template: '/api/v1/crm/deals/{dealId}/calculations/comparison',
      prepare: async () => ({ path: `${base}/deals/${D.D1}/calculations/comparison` }),
      expected: onD1(200, 200, 200),
    },
    {
      name: 'create calculation',
      method: 'POST',
      template: '/api/v1/crm/deals/{dealId}/calculations',
      prepare: async () => ({
        path: `${base}/deals/${D.D1}/calculations`,
        body: { insuranceCompany: 'ВСК', calculationDate: T, ownerId: DEMO_CRM_USERS.elena },
      }),
      expected: onD1(201, 201, 201),
    },
    {
      name: 'get calculation',
      method: 'GET',
      template: '/api/v1/crm/deals/{dealId}/calculations/{calculationId}',
      prepare: async () => ({ path: `${base}/deals/${D.D1}/calculations/${Q.D1_INGOS}` }),
      expected: onD1(200, 200, 200),
    },
    {
      name: 'edit calculation',
      method: 'PATCH',
      template: '/api/v1/crm/deals/{dealId}/calculations/{calculationId}',
      prepare: async () => ({
        path: `${base}/deals/${D.D1}/calculations/${await freshCalculation(D.D1, 'draft')}`,
        body: { comments: 'матрица' },
      }),
      expected: onD1(200, 200, 200),
    },
    {
      name: 'mark calculation ready',
      method: 'POST',
      template: '/api/v1/crm/deals/{dealId}/calculations/{calculationId}/status',
      prepare: async () => ({
        path: `${base}/deals/${D.D1}/calculations/${await freshCalculation(D.D1, 'draft')}/status`,
        body: { status: 'ready' },
      }),
      expected: onD1(200, 200, 200),
    },
    {
      name: 'confirm calculation',
      method: 'POST',
      template: '/api/v1/crm/deals/{dealId}/calculations/{calculationId}/status',
      prepare: async () => ({
        path: `${base}/deals/${D.D1}/calculations/${await freshCalculation(D.D1, 'ready')}/status`,
        body: { status: 'confirmed' },
      }),
      expected: onD1(200, 200, 403),
    },
    {
      name: 'issue policy from a ready calculation',
      method: 'POST',
      template: '/api/v1/crm/deals/{dealId}/calculations/{calculationId}/policy',
      prepare: async () => ({
        path: `${base}/deals/${D.D1}/calculations/${await freshCalculation(D.D1, 'ready')}/policy`,
        body: { policyNumber: `M-${randomUUID().slice(0, 12)}` },
      }),
      expected: onD1(201, 201, 403),
    },
    {
      name: 'issue policy from a confirmed calculation',
      method: 'POST',
      template: '/api/v1/crm/deals/{dealId}/calculations/{calculationId}/policy',
      prepare: async () => ({
        path: `${base}/deals/${D.D1}/calculations/${await freshCalculation(D.D1, 'confirmed')}/policy`,
        body: { policyNumber: `M-${randomUUID().slice(0, 12)}` },
      }),
      expected: onD1(201, 201, 201),
    },
    {
      name: 'delete calculation',
      method: 'DELETE',
      template: '/api/v1/crm/deals/{dealId}/calculations/{calculationId}',
      prepare: async () => ({ path: `${base}/deals/${D.D1}/calculations/${await freshCalculation(D.D1, 'draft')}` }),
      expected: onD1(204, 204, 403),
    },
    {
      name: 'list policies',
      method: 'GET',
      template: '/api/v1/crm/policies',
      prepare: async () => ({ path: `${base}/policies` }),
      expected: anyone(200),
    },
    {
      name: 'create policy',
      method: 'POST',
      template: '/api/v1/crm/policies',
      prepare: async () => ({
        path: `${base}/policies`,
        body: {
          clientId: C.C1,
          dealId: D.D1,
          policyNumber: `M-${randomUUID().slice(0, 12)}`,
          ownerId: DEMO_CRM_USERS.sergey,
        },
      }),
      expected: onD1(201, 201, 201),
    },
    {
      name: 'get policy',
      method: 'GET',
      template: '/api/v1/crm/policies/{policyId}',
      prepare: async () => ({ path: `${base}/policies/${P.P1}` }),
      expected: onD1(200, 200, 200),
    },
    {
      name: 'edit policy',
      method: 'PATCH',
      template: '/api/v1/crm/policies/{policyId}',
      prepare: async () => ({ path: `${base}/policies/${P.P1}`, body: { premium: '2500000.00' } }),
      expected: onD1(200, 200, 200),
    },
    {
      name: 'close policy',
      method: 'PATCH',
      template: '/api/v1/crm/policies/{policyId}',
      prepare: async () => ({
        path: `${base}/policies/${await freshPolicy(D.D1, 'active')}`,
        body: { status: 'closed', closedReason: 'cancelled' },
      }),
      expected: onD1(200, 200, 403),
    },
    {
      name: 'list policy documents',
      method: 'GET',
      template: '/api/v1/crm/policies/{policyId}/documents',
      prepare: async () => ({ path: `${base}/policies/${P.P1}/documents` }),
      expected: onD1(200, 200, 200),
    },
    {
      name: 'link policy document',
      method: 'POST',
      template: '/api/v1/crm/policies/{policyId}/documents',
      prepare: async () => ({
        path: `${base}/policies/${P.P1}/documents`,
        body: { documentId: await crm.documents!.create('admin', 'policy', P.P1) },
      }),
      expected: onD1(201, 201, 201),
    },
    {
      name: 'unlink policy document',
      method: 'DELETE',
      template: '/api/v1/crm/policies/{policyId}/documents/{documentId}',
      prepare: async () => {
        const documentId = await crm.documents!.create('admin', 'policy', P.P1);
        const linked = await crm.request('POST', `${base}/policies/${P.P1}/documents`, {
          token: crm.tokens.admin,
          body: { documentId },
        });
        expect(linked.status).toBe(201);
        return { path: `${base}/policies/${P.P1}/documents/${documentId}` };
      },
      expected: onD1(204, 204, 204),
    },
    {
      name: 'list payments',
      method: 'GET',
      template: `${PAYMENTS}`,
      prepare: async () => ({ path: (await freshPayment()).path.replace(/\/[^/]+$/, '') }),
      expected: onD1(200, 200, 200),
    },
    {
      name: 'create payment',
      method: 'POST',
      template: `${PAYMENTS}`,
      prepare: async () => ({
        path: (await freshPayment()).path.replace(/\/[^/]+$/, ''),
        body: { plannedAmount: '100.00', currency: 'RUB' },
      }),
      expected: onD1(201, 201, 201),
    },
    {
      name: 'schedule payments',
      method: 'POST',
      template: `${PAYMENTS}/schedule`,
      prepare: async () => {
        const policyId = await freshPolicy(D.D1, 'active');
        await crm.sql('update crm.policies set premium = 1000 where id = $1', [policyId]);
        return {
          path: `${base}/deals/${D.D1}/policies/${policyId}/payments/schedule`,
          body: { count: 2, firstDate: T, intervalMonths: 6 },
        };
      },
      expected: onD1(201, 201, 201),
    },
    {
      name: 'get payment',
      method: 'GET',
      template: `${PAYMENTS}/{paymentId}`,
      prepare: async () => ({ path: (await freshPayment()).path }),
      expected: onD1(200, 200, 200),
    },
    {
      name: 'edit payment',
      method: 'PATCH',
      template: `${PAYMENTS}/{paymentId}`,
      prepare: async () => ({ path: (await freshPayment()).path, body: { comment: 'Матрица' } }),
      expected: onD1(200, 200, 200),
    },
    {
      name: 'cancel payment',
      method: 'PATCH',
      template: `${PAYMENTS}/{paymentId}`,
      prepare: async () => ({ path: (await freshPayment()).path, body: { status: 'cancelled' } }),
      expected: onD1(200, 403, 403),
    },
    {
      name: 'delete payment',
      method: 'DELETE',
      template: `${PAYMENTS}/{paymentId}`,
      prepare: async () => ({ path: (await freshPayment()).path }),
      expected: onD1(204, 204, 204),
    },
    ...(['incomes', 'expenses'] as const).flatMap((direction): RouteCase[] => {
      const lineOf = async () => {
        const payment = await freshPayment();
        const id = randomUUID();
        await crm.sql(
          `insert into crm.payment_${direction} (id, payment_id, amount, category, posted_at) values ($1, $2, 10, 'cash', $3)`,
          [id, payment.paymentId, T],
        );
        return `${payment.path}/${direction}/${id}`;
      };
      return [
        {
          name: `list ${direction}`,
          method: 'GET',
          template: `${PAYMENTS}/{paymentId}/${direction}`,
          prepare: async () => ({ path: `${(await freshPayment()).path}/${direction}` }),
          expected: onD1(200, 200, 200),
        },
        {
          name: `add ${direction}`,
          method: 'POST',
          template: `${PAYMENTS}/{paymentId}/${direction}`,
          prepare: async () => ({
            path: `${(await freshPayment()).path}/${direction}`,
            body: { amount: '10.00', currency: 'RUB', category: 'cash', postedAt: T },
          }),
          expected: onD1(201, 201, 201),
        },
        {
          name: `edit ${direction}`,
          method: 'PATCH',
          template: `${PAYMENTS}/{paymentId}/${direction}/{movementId}`,
          prepare: async () => ({ path: await lineOf(), body: { amount: '20.00' } }),
          expected: onD1(200, 200, 200),
        },
        {
          name: `delete ${direction}`,
          method: 'DELETE',
          template: `${PAYMENTS}/{paymentId}/${direction}/{movementId}`,
          prepare: async () => ({ path: await lineOf() }),
          expected: onD1(204, 204, 204),
        },
      ];
    }),
    {
      name: 'split commission',
      method: 'POST',
      template: `${PAYMENTS}/{paymentId}/commission-split`,
      prepare: async () => {
        const payment = await freshPayment();
        await crm.sql(
          `insert into crm.payment_incomes (id, payment_id, amount, category, posted_at) values ($1, $2, 100, 'commission', $3)`,
          [randomUUID(), payment.paymentId, T],
        );
        return {
          path: `${payment.path}/commission-split`,
          body: { shares: [{ userId: DEMO_CRM_USERS.olga, percent: '20' }] },
        };
      },
      expected: onD1(201, 201, 201),
    },
    {
      name: 'policy cash flow',
      method: 'GET',
      template: `${base}/deals/{dealId}/policies/{policyId}/cash-flow`,
      prepare: async () => ({ path: `${base}/deals/${D.D1}/policies/${P.P1}/cash-flow` }),
      expected: onD1(200, 200, 200),
    },
    {
      name: 'list all payments',
      method: 'GET',
      template: `${base}/payments`,
      prepare: async () => ({ path: `${base}/payments?dealId=${D.D1}` }),
      expected: anyone(200),
    },
    {
      name: 'export payments',
      method: 'GET',
      template: `${base}/payments/export`,
      prepare: async () => ({ path: `${base}/payments/export?format=xlsx` }),
      expected: anyone(200),
    },
    {
      name: 'import payment lines (dry run)',
      method: 'POST',
      template: `${base}/payments/import`,
      prepare: async () => ({
        path: `${base}/payments/import?mode=dry-run`,
        csv: `policy_number;payment_sequence;direction;amount;category;posted_at\nCR-2024-0001;4;income;1.00;premium;${T}\n`,
      }),
      expected: anyone(200),
    },
    {
      name: 'deals stream',
      method: 'GET',
      template: '/internal/v1/streams/deals',
      prepare: async () => ({ path: '/internal/v1/streams/deals' }),
      expected: anyone(200),
      stream: true,
    },
  ];

  async function statusOf(route: RouteCase, caller: Caller): Promise<number> {
    const { path, body, csv } = await route.prepare(caller);
    const headers: Record<string, string> = {};
    if (caller !== 'anonymous') headers.authorization = `Bearer ${crm.tokens[caller]}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (csv !== undefined) headers['content-type'] = 'text/csv';
    const abort = new AbortController();
    const response = await fetch(`${crm.url}${path}`, {
      method: route.method,
      headers,
      body: csv ?? (body === undefined ? undefined : JSON.stringify(body)),
      signal: abort.signal,
    });
    if (route.stream && response.status === 200) abort.abort();
    else await response.arrayBuffer();
    return response.status;
  }

  it('covers every documented route of the service', () => {
    const inMatrix = new Set(routes.map((route) => `${route.method} ${route.template}`));
    expect(CRM_ROUTES.map((route) => `${route.method} ${route.path}`).filter((route) => !inMatrix.has(route))).toEqual(
      [],
    );
  });

  it.each(routes.map((route) => [route.name, route] as const))('%s', async (_name, route) => {
    const actual: Record<string, number> = {};
    for (const caller of CALLERS) actual[caller] = await statusOf(route, caller);
    expect(actual).toEqual(route.expected);
  });

  describe('visibility (invariant 27)', () => {
    const listIds = async (person: Person, path: string) =>
      (
        await crm.request<DealsPage | ClientsPage>('GET', `${base}${path}`, { token: crm.tokens[person] })
      ).body.items.map((item) => item.id);

    it('a seller sees only their own clients and deals; unassigned ones are admin-only', async () => {
      const olgaDeals = await listIds('otherAgent', '/deals?limit=200');
      expect(olgaDeals).toEqual(expect.arrayContaining([D.D2, D.D6]));
      for (const foreign of [D.D1, D.D3, D.D4, D.D5, D.D7]) expect(olgaDeals).not.toContain(foreign);
      const olgaClients = await listIds('otherAgent', '/clients?limit=200');
      expect(olgaClients).toEqual(expect.arrayContaining([C.C2, C.C5]));
      for (const foreign of [C.C1, C.C3, C.C4, C.C6]) expect(olgaClients).not.toContain(foreign);
      for (const person of ['owner', 'otherAgent', 'teamExecutor', 'outsideExecutor', 'sellerExecutor'] as const) {
        expect(await listIds(person, '/deals?limit=200')).not.toContain(D.D4);
        expect(await listIds(person, '/clients?limit=200')).not.toContain(C.C4);
      }
      expect(await listIds('admin', '/deals?manager=__NO_MANAGER__')).toContain(D.D4);
    });

    it('an executor sees exactly the deals of their teams, and their clients', async () => {
      const teams = await crm.sql<{ deal_id: string }>(
        'select p.deal_id from crm.deal_participants p join crm.deals d on d.id = p.deal_id where p.user_id = $1 and not d.is_deleted',
        [DEMO_CRM_USERS.elena],
      );
      expect((await listIds('teamExecutor', '/deals?limit=200')).sort()).toEqual(
        teams.map((row) => row.deal_id).sort(),
      );
      expect((await listIds('teamExecutor', '/clients?limit=200')).sort()).toEqual([C.C1, C.C2, C.C3].sort());
      expect(await listIds('outsideExecutor', '/deals?limit=200')).toEqual([]);
      // Seller + executor: the union of both rights.
      expect(await listIds('sellerExecutor', '/deals?limit=200')).toEqual([D.D5]);
    });
  });

  describe('row-level security', () => {
    const TABLES = [
      'clients',
      'deals',
      'deal_participants',
      'deal_journal',
      'calculations',
      'policies',
      'policy_documents',
    ];

    it('gives the service role zero rows without app.user_id', async () => {
      const counts = await crm.backend.db.transaction(async (tx) => {
        await tx.execute(sql`set local role crm_app`);
        const result: Record<string, number> = {};
        for (const table of TABLES) {
          const { rows } = (await tx.execute(sql.raw(`select count(*)::int as n from crm.${table}`))) as unknown as {
            rows: Array<{ n: number }>;
          };
          result[table] = rows[0]?.n ?? -1;
        }
        return result;
      });
      expect(counts).toEqual(Object.fromEntries(TABLES.map((table) => [table, 0])));
      for (const table of TABLES) expect(await crm.count(table)).toBeGreaterThan(0);
    });

    const asIdentity = <T>(userId: string, roles: string[], work: Parameters<typeof withIdentity<T>>[2]) =>
      withIdentity(crm.backend.db, { userId, roles }, work, { role: 'crm_app' });
    const rowsOf = async (result: unknown) => (result as { rows: Array<Record<string, unknown>> }).rows;

    it("keeps another seller's deal out of a seller's raw SQL, even by id", async () => {
      const seen = await asIdentity(PEOPLE.otherAgent, ['ROLE_SALES_AGENT'], async (tx) => ({
        deal: await rowsOf(await tx.execute(sql`select id from crm.deals where id = ${D.D1}`)),
        client: await rowsOf(await tx.execute(sql`select id from crm.clients where id = ${C.C1}`)),
        calculations: await rowsOf(await tx.execute(sql`select id from crm.calculations where deal_id = ${D.D1}`)),
        policies: await rowsOf(await tx.execute(sql`select id from crm.policies where id = ${P.P1}`)),
        journal: await rowsOf(await tx.execute(sql`select id from crm.deal_journal where deal_id = ${D.D1}`)),
        team: await rowsOf(await tx.execute(sql`select user_id from crm.deal_participants where deal_id = ${D.D1}`)),
        updated: await rowsOf(
          await tx.execute(sql`update crm.deals set title = 'угнано' where id = ${D.D1} returning id`),
        ),
        own: await rowsOf(await tx.execute(sql`select id from crm.deals where id = ${D.D2}`)),
      }));
      expect(seen).toEqual({
        deal: [],
        client: [],
        calculations: [],
        policies: [],
        journal: [],
        team: [],
        updated: [],
        own: [{ id: D.D2 }],
      });
      await expect(
        asIdentity(PEOPLE.otherAgent, ['ROLE_SALES_AGENT'], (tx) =>
          tx.execute(
            sql`insert into crm.deal_journal (id, deal_id, author_id, body) values (${randomUUID()}, ${D.D1}, ${PEOPLE.otherAgent}, 'чужая запись')`,
          ),
        ),
      ).rejects.toThrow();
      const [title] = await crm.sql<{ title: string }>('select title from crm.deals where id = $1', [D.D1]);
      expect(title?.title).not.toBe('угнано');
    });

    it('lets a team member see the deal and what hangs under it, and an admin everything', async () => {
      const member = await asIdentity(PEOPLE.teamExecutor, ['ROLE_EXECUTOR'], async (tx) => ({
        deal: await rowsOf(await tx.execute(sql`select id from crm.deals where id = ${D.D1}`)),
        policy: await rowsOf(await tx.execute(sql`select id from crm.policies where id = ${P.P1}`)),
        d5: await rowsOf(await tx.execute(sql`select id from crm.deals where id = ${D.D5}`)),
      }));
      expect(member).toEqual({ deal: [{ id: D.D1 }], policy: [{ id: P.P1 }], d5: [] });
      const adminCount = await asIdentity(PEOPLE.admin, ['ROLE_ADMIN'], async (tx) =>
        rowsOf(await tx.execute(sql`select count(*)::int as n from crm.deals`)),
      );
      expect(adminCount[0]?.n).toBe(await crm.count('deals'));
    });
  });
});
