import { randomUUID } from 'node:crypto';
import { PROBLEM_CONTENT_TYPE } from '@polis/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CRM_IDS, DEMO_CRM_USERS } from '../src/index.js';
import { type CrmHarness, daysFrom, type Json, startCrm } from './crm-harness.js';

const { deals: D, clients: C, policies: P, calculations: Q } = DEMO_CRM_IDS;
const HUGE = 'x'.repeat(10 * 1024);
const BAD_MONEY = ['-1', '1e3', '12.345', '1,5', 1000, '0'];
const BAD_DATES = ['2025-02-30', '2025-13-01', '25-01-01', '2025-01-01T00:00:00Z'];
const BAD_IDS = ['not-a-uuid', "1' or '1'='1", '123'];

interface BadRequest {
  label: string;
  method: string;
  path: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

interface BodyRoute {
  method: 'POST' | 'PATCH';
  path: string;
  /** A valid body: each case breaks one thing in it. */
  valid: Json;
  money?: string[];
  dates?: string[];
  /** Route-specific bad bodies. */
  extra?: Json[];
}

/** Every way to break a body once: malformed JSON, not an object, unknown field, and per field a wrong type and 10 KB. */
function badBodies(route: BodyRoute): BadRequest[] {
  const at = (label: string, body: unknown): BadRequest => ({ label, method: route.method, path: route.path, body });
  const cases: BadRequest[] = [
    { label: 'malformed JSON', method: route.method, path: route.path, rawBody: '{"broken": ' },
    at('an array', [route.valid]),
    at('a string', 'body'),
    at('an unknown field', { ...route.valid, isAdmin: true }),
  ];
  for (const field of Object.keys(route.valid)) {
    cases.push(at(`${field} of the wrong type`, { ...route.valid, [field]: { nested: true } }));
    cases.push(at(`${field} of 10 KB`, { ...route.valid, [field]: HUGE }));
  }
  for (const field of route.money ?? []) {
    for (const value of BAD_MONEY)
      cases.push(at(`${field} = ${JSON.stringify(value)}`, { ...route.valid, [field]: value }));
  }
  for (const field of route.dates ?? []) {
    for (const value of BAD_DATES) cases.push(at(`${field} = ${value}`, { ...route.valid, [field]: value }));
  }
  for (const [index, body] of (route.extra ?? []).entries()) cases.push(at(`extra case ${index + 1}`, body));
  return cases;
}

describe('bad input → 400 problem+json, nothing written', () => {
  let crm: CrmHarness;
  let T: string;

  beforeAll(async () => {
    crm = await startCrm();
    T = crm.today;
  });

  afterAll(async () => {
    await crm?.close();
  });

  /** Every row of every CRM table (and the outbox): a failed request must leave it exactly as it was. */
  async function fingerprint(): Promise<string> {
    const tables = [
      'clients',
      'deals',
      'deal_participants',
      'deal_journal',
      'calculations',
      'policies',
      'policy_documents',
      'outbox',
    ];
    const parts: string[] = [];
    for (const table of tables) {
      // The relay stamps outbox rows as it publishes them: only their ids belong to the fingerprint.
      const rowText = table === 'outbox' ? 't.id::text' : 't::text';
      const [row] = await crm.sql<{ n: number; digest: string }>(
        `select count(*)::int as n, md5(coalesce(string_agg(${rowText}, '|' order by ${rowText}), '')) as digest from crm.${table} t`,
      );
      parts.push(`${table}:${row?.n}:${row?.digest}`);
    }
    return parts.join(' ');
  }

  async function expectRejected(cases: BadRequest[], expectedCodes?: string[]): Promise<void> {
    const before = await fingerprint();
    const failures: string[] = [];
    for (const bad of cases) {
      const response = await crm.request(bad.method, bad.path, {
        token: crm.tokens.admin,
        ...(bad.body !== undefined ? { body: bad.body } : {}),
        ...(bad.rawBody !== undefined ? { rawBody: bad.rawBody } : {}),
        ...(bad.headers ? { headers: bad.headers } : {}),
      });
      const problem = response.body as Json | undefined;
      const okCode = expectedCodes === undefined || expectedCodes.includes(String(problem?.code));
      if (
        response.status !== 400 ||
        !response.headers.get('content-type')?.startsWith(PROBLEM_CONTENT_TYPE) ||
        problem?.status !== 400 ||
        typeof problem?.code !== 'string' ||
        !okCode
      ) {
        failures.push(
          `${bad.method} ${bad.path.slice(0, 80)} [${bad.label}] → ${response.status} ${JSON.stringify(problem).slice(0, 200)}`,
        );
      }
    }
    expect(failures).toEqual([]);
    expect(await fingerprint()).toBe(before);
  }

  const calculationBody = () => ({
    insuranceCompany: 'ВСК',
    programName: 'Имущество',
    premiumAmount: '1000.00',
    coverageSum: '100000.00',
    calculationDate: T,
    validityPeriod: { start: T, end: daysFrom(T, 364) },
    files: ['q.pdf'],
    comments: 'ok',
    ownerId: DEMO_CRM_USERS.elena,
  });

  const bodyRoutes = (): Array<[string, BodyRoute]> => [
    [
      'create client',
      {
        method: 'POST',
        path: '/api/v1/crm/clients',
        valid: {
          name: 'Клиент',
          email: 'a@b.example',
          phone: '+7 900 000-00-00',
          status: 'active',
          type: 'company',
          ownerId: DEMO_CRM_USERS.olga,
        },
        extra: [
          { name: '' },
          { name: '   ' },
          { name: 'X', email: 'not-an-email' },
          { name: 'X', phone: 'call me' },
          { name: 'X', status: 'suspended' },
        ],
      },
    ],
    [
      'edit client',
      {
        method: 'PATCH',
        path: `/api/v1/crm/clients/${C.C1}`,
        valid: { name: 'Клиент', status: 'active', version: 1 },
        extra: [{}, { version: 1 }, { isDeleted: false }, { ownerId: 'nobody' }, { version: 0 }],
      },
    ],
    [
      'create deal',
      {
        method: 'POST',
        path: '/api/v1/crm/deals',
        valid: { clientId: C.C1, title: 'Сделка', description: 'Описание', status: 'draft', nextReviewAt: T },
        dates: ['nextReviewAt'],
        extra: [
          { clientId: C.C1, title: 'Без даты' },
          { clientId: C.C1, title: 'Пустая дата', nextReviewAt: null },
          { clientId: C.C1, title: 'x', status: 'closedWon', nextReviewAt: T },
        ],
      },
    ],
    [
      'edit deal',
      {
        method: 'PATCH',
        path: `/api/v1/crm/deals/${D.D3}`,
        valid: { title: 'Сделка', nextReviewAt: T },
        dates: ['nextReviewAt'],
        extra: [{}, { nextReviewAt: null }, { status: 'closedWon' }, { ownerId: 'x' }, { version: 'one' }],
      },
    ],
    [
      'move deal stage',
      {
        method: 'PATCH',
        path: `/api/v1/crm/deals/${D.D3}/stage`,
        valid: { stage: 'negotiation' },
        extra: [{}, { stage: 'won' }, { stage: 'all' }],
      },
    ],
    [
      'park deal',
      { method: 'POST', path: `/api/v1/crm/deals/${D.D1}/park`, valid: { version: 1 }, extra: [{ nextReviewAt: T }] },
    ],
    [
      'add team member',
      {
        method: 'POST',
        path: `/api/v1/crm/deals/${D.D1}/participants`,
        valid: { userId: randomUUID() },
        extra: [{}, { userId: 'olga' }],
      },
    ],
    [
      'append journal',
      {
        method: 'POST',
        path: `/api/v1/crm/deals/${D.D1}/journal`,
        valid: { body: 'Запись' },
        extra: [{}, { body: '' }, { body: '  \n ' }, { body: 'x'.repeat(5001) }, { body: 'ok', authorId: 'x' }],
      },
    ],
    [
      'create calculation',
      {
        method: 'POST',
        path: `/api/v1/crm/deals/${D.D2}/calculations`,
        valid: calculationBody(),
        money: ['premiumAmount', 'coverageSum'],
        dates: ['calculationDate'],
        extra: [
          { ...calculationBody(), validityPeriod: { start: T, end: daysFrom(T, -1) } },
          { ...calculationBody(), validityPeriod: { start: '2025-02-30', end: T } },
          { ...calculationBody(), validityPeriod: { start: T } },
          { ...calculationBody(), files: [1] },
          { ...calculationBody(), files: Array(51).fill('f') },
          { ...calculationBody(), comments: 'x'.repeat(2001) },
          { insuranceCompany: 'ВСК', calculationDate: T },
        ],
      },
    ],
    [
      'edit calculation',
      {
        method: 'PATCH',
        path: `/api/v1/crm/deals/${D.D2}/calculations/${Q.D2_SOGLASIE}`,
        valid: { premiumAmount: '1000.00', calculationDate: T },
        money: ['premiumAmount'],
        dates: ['calculationDate'],
        extra: [{}, { insuranceCompany: null }, { files: null }, { validityPeriod: { start: T, end: '2020-01-01' } }],
      },
    ],
    [
      'move calculation',
      {
        method: 'POST',
        path: `/api/v1/crm/deals/${D.D2}/calculations/${Q.D2_INGOS}/status`,
        valid: { status: 'archived' },
        extra: [{}, { status: 'draft' }, { status: 'approved' }, { status: 'confirmed', policyId: 'P1' }],
      },
    ],
    [
      'issue policy',
      {
        method: 'POST',
        path: `/api/v1/crm/deals/${D.D2}/calculations/${Q.D2_INGOS}/policy`,
        valid: { policyNumber: 'NEW-1', premium: '1000.00', effectiveFrom: T, effectiveTo: daysFrom(T, 10) },
        money: ['premium'],
        dates: ['effectiveFrom', 'effectiveTo'],
        extra: [
          {},
          { policyNumber: 'X-1', effectiveFrom: T, effectiveTo: daysFrom(T, -1) },
          { policyNumber: "1'; drop table crm.policies;--" },
        ],
      },
    ],
    [
      'create policy',
      {
        method: 'POST',
        path: '/api/v1/crm/policies',
        valid: {
          clientId: C.C1,
          dealId: D.D1,
          policyNumber: 'NEW-2',
          premium: '1000.00',
          effectiveFrom: T,
          effectiveTo: daysFrom(T, 1),
          ownerId: DEMO_CRM_USERS.sergey,
        },
        money: ['premium'],
        dates: ['effectiveFrom', 'effectiveTo'],
        extra: [
          { clientId: C.C1, policyNumber: 'NO-OWNER' },
          { clientId: C.C1, policyNumber: 'X'.repeat(65), ownerId: DEMO_CRM_USERS.sergey },
          { clientId: C.C1, policyNumber: 'CLOSED-1', status: 'closed', ownerId: DEMO_CRM_USERS.sergey },
          {
            clientId: C.C1,
            policyNumber: 'ORDER-1',
            effectiveFrom: T,
            effectiveTo: daysFrom(T, -1),
            ownerId: DEMO_CRM_USERS.sergey,
          },
        ],
      },
    ],
    [
      'edit policy',
      {
        method: 'PATCH',
        path: `/api/v1/crm/policies/${P.P1}`,
        valid: { premium: '1000.00', effectiveTo: daysFrom(T, 400) },
        money: ['premium'],
        dates: ['effectiveTo'],
        extra: [
          {},
          { status: 'expired' },
          { closedReason: 'whim' },
          { isDeleted: false },
          { effectiveFrom: daysFrom(T, 10), effectiveTo: T },
        ],
      },
    ],
    [
      'link policy document',
      {
        method: 'POST',
        path: `/api/v1/crm/policies/${P.P1}/documents`,
        valid: { documentId: randomUUID() },
        extra: [{}, { documentId: 'doc.pdf' }],
      },
    ],
  ];

  const BODY_ROUTES = [
    'create client',
    'edit client',
    'create deal',
    'edit deal',
    'move deal stage',
    'park deal',
    'add team member',
    'append journal',
    'create calculation',
    'edit calculation',
    'move calculation',
    'issue policy',
    'create policy',
    'edit policy',
    'link policy document',
  ];

  it('names every body route', () => {
    expect(bodyRoutes().map(([name]) => name)).toEqual(BODY_ROUTES);
  });

  it.each(BODY_ROUTES)('%s: bad bodies', async (name) => {
    const route = bodyRoutes().find(([candidate]) => candidate === name)?.[1] as BodyRoute;
    await expectRejected(badBodies(route));
  });

  it('bad query strings on every list', async () => {
    const query = (path: string, ...bad: string[]): BadRequest[] =>
      bad.map((q) => ({ label: q.slice(0, 40), method: 'GET', path: `${path}?${q}` }));
    await expectRejected([
      ...query(
        '/api/v1/crm/clients',
        'unknown=1',
        `search=${HUGE}`,
        'limit=abc',
        'limit=1000',
        'status=suspended',
        'ownerId=x',
        'search=a&search=b',
      ),
      ...query(
        '/api/v1/crm/deals',
        'unknown=1',
        `search=${HUGE}`,
        'limit=-1',
        'period=5d',
        'manager=x',
        'stage=won',
        'status=closedWon',
        'clientId=x',
        'limit=1&limit=2',
      ),
      ...query('/api/v1/crm/deals/stage-metrics', 'limit=5', 'period=1y', 'manager=nobody', `search=${HUGE}`),
      ...query(
        `/api/v1/crm/deals/${D.D2}/calculations`,
        'status=approved',
        'calculationDateFrom=2025-02-30',
        `calculationDateFrom=${T}&calculationDateTo=${daysFrom(T, -1)}`,
        `insuranceCompany=${HUGE}`,
        'unknown=1',
      ),
      ...query(`/api/v1/crm/deals/${D.D1}/journal`, 'offset=-1', 'limit=0', 'limit=201', 'page=2'),
      ...query('/api/v1/crm/policies', 'status=expired', 'dealId=x', 'clientId=1', 'unknown=1'),
      ...query('/internal/v1/streams/deals', 'lastEventId=yesterday', 'unknown=1'),
    ]);
  });

  it('bad cursors answer invalid_cursor', async () => {
    const forged = Buffer.from(JSON.stringify(["'; drop table crm.deals;--", 'x', 'y'])).toString('base64url');
    await expectRejected(
      [
        '/api/v1/crm/clients',
        '/api/v1/crm/deals',
        `/api/v1/crm/deals/${D.D2}/calculations`,
        '/api/v1/crm/policies',
      ].flatMap((path) => [
        { label: 'garbage', method: 'GET', path: `${path}?cursor=garbage` },
        { label: 'forged', method: 'GET', path: `${path}?cursor=${forged}` },
      ]),
      ['invalid_cursor'],
    );
  });

  it('malformed ids in every path', async () => {
    const paths = (id: string) => [
      ['GET', `/api/v1/crm/clients/${id}`],
      ['PATCH', `/api/v1/crm/clients/${id}`],
      ['GET', `/api/v1/crm/deals/${id}`],
      ['PATCH', `/api/v1/crm/deals/${id}`],
      ['PATCH', `/api/v1/crm/deals/${id}/stage`],
      ['POST', `/api/v1/crm/deals/${id}/park`],
      ['DELETE', `/api/v1/crm/deals/${id}`],
      ['GET', `/api/v1/crm/deals/${id}/participants`],
      ['POST', `/api/v1/crm/deals/${id}/participants`],
      ['DELETE', `/api/v1/crm/deals/${D.D1}/participants/${id}`],
      ['GET', `/api/v1/crm/deals/${id}/journal`],
      ['POST', `/api/v1/crm/deals/${id}/journal`],
      ['GET', `/api/v1/crm/deals/${id}/calculations`],
      ['GET', `/api/v1/crm/deals/${id}/calculations/comparison`],
      ['POST', `/api/v1/crm/deals/${id}/calculations`],
      ['GET', `/api/v1/crm/deals/${D.D1}/calculations/${id}`],
      ['PATCH', `/api/v1/crm/deals/${D.D1}/calculations/${id}`],
      ['POST', `/api/v1/crm/deals/${D.D1}/calculations/${id}/status`],
      ['POST', `/api/v1/crm/deals/${D.D1}/calculations/${id}/policy`],
      ['DELETE', `/api/v1/crm/deals/${D.D1}/calculations/${id}`],
      ['GET', `/api/v1/crm/policies/${id}`],
      ['PATCH', `/api/v1/crm/policies/${id}`],
      ['GET', `/api/v1/crm/policies/${id}/documents`],
      ['POST', `/api/v1/crm/policies/${id}/documents`],
      ['DELETE', `/api/v1/crm/policies/${P.P1}/documents/${id}`],
    ];
    await expectRejected(
      BAD_IDS.flatMap((id) =>
        paths(encodeURIComponent(id)).map(([method, path]) => ({
          label: id,
          method: method as string,
          path: path as string,
          ...(method === 'POST' || method === 'PATCH' ? { body: { title: 'x' } } : {}),
        })),
      ),
    );
  });

  it('a bad If-Match or Last-Event-ID header', async () => {
    await expectRejected([
      {
        label: 'If-Match',
        method: 'PATCH',
        path: `/api/v1/crm/deals/${D.D3}`,
        body: { title: 'x' },
        headers: { 'if-match': 'latest' },
      },
      {
        label: 'If-Match',
        method: 'PATCH',
        path: `/api/v1/crm/clients/${C.C1}`,
        body: { name: 'x' },
        headers: { 'if-match': '"0"' },
      },
      {
        label: 'Last-Event-ID',
        method: 'GET',
        path: '/internal/v1/streams/deals',
        headers: { 'last-event-id': 'abc' },
      },
    ]);
  });

  it('SQL metacharacters in text are data, never SQL', async () => {
    const name = "Robert'); DROP TABLE crm.clients;-- %_\\";
    const created = await crm.request('POST', '/api/v1/crm/clients', { token: crm.tokens.owner, body: { name } });
    expect(created.status).toBe(201);
    expect(created.body.name).toBe(name);
    for (const term of [name, "' or 1=1 --", '%', '\\', '"; select pg_sleep(1); --', 'a & b | !c :*']) {
      const clients = await crm.request('GET', `/api/v1/crm/clients?search=${encodeURIComponent(term)}`, {
        token: crm.tokens.admin,
      });
      const deals = await crm.request('GET', `/api/v1/crm/deals?search=${encodeURIComponent(term)}`, {
        token: crm.tokens.admin,
      });
      expect([clients.status, deals.status]).toEqual([200, 200]);
    }
    const found = await crm.request<{ items: Json[] }>(
      'GET',
      `/api/v1/crm/clients?search=${encodeURIComponent('robert drop')}`,
      {
        token: crm.tokens.owner,
      },
    );
    expect(found.body.items.map((client) => client.name)).toEqual([name]);
    expect(await crm.count('clients')).toBeGreaterThan(6);
  });
});
