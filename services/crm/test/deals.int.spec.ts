import { randomUUID } from 'node:crypto';
import type { Deal, DealDetail, DealsPage, StageMetric } from '@polis/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CRM_IDS, DEMO_CRM_USERS, seedCrmDemo } from '../src/index.js';
import { type CrmHarness, daysFrom, type Json, startCrm } from './crm-harness.js';

const { deals: D, clients: C } = DEMO_CRM_IDS;

describe('deals', () => {
  let crm: CrmHarness;
  let T: string;

  beforeAll(async () => {
    crm = await startCrm();
    T = crm.today;
  });

  afterAll(async () => {
    await crm?.close();
  });

  const as = (token: string) => ({
    get: <B = Json>(path: string, headers?: Record<string, string>) =>
      crm.request<B>('GET', `/api/v1/crm${path}`, { token, ...(headers ? { headers } : {}) }),
    post: <B = Json>(path: string, body?: unknown) => crm.request<B>('POST', `/api/v1/crm${path}`, { token, body }),
    patch: <B = Json>(path: string, body: unknown, headers?: Record<string, string>) =>
      crm.request<B>('PATCH', `/api/v1/crm${path}`, { token, body, ...(headers ? { headers } : {}) }),
    delete: (path: string) => crm.request('DELETE', `/api/v1/crm${path}`, { token }),
  });
  const owner = () => as(crm.tokens.owner);
  const admin = () => as(crm.tokens.admin);

  /** A client of the owner with deals at the given review offsets, isolated from the demo data. */
  async function clientWithDeals(offsets: number[]): Promise<{ clientId: string; deals: Deal[] }> {
    const client = await owner().post('/clients', { name: `Клиент ${randomUUID().slice(0, 6)}` });
    expect(client.status).toBe(201);
    const clientId = String(client.body.id);
    const deals: Deal[] = [];
    for (const [index, offset] of offsets.entries()) {
      const deal = await owner().post<Deal>('/deals', {
        clientId,
        title: `Сделка ${index}`,
        nextReviewAt: daysFrom(T, offset),
      });
      expect(deal.status).toBe(201);
      deals.push(deal.body);
    }
    return { clientId, deals };
  }

  describe('demo seed', () => {
    it('is idempotent and matches domain.md §5', async () => {
      expect(await seedCrmDemo(crm.backend.db, { today: T })).toEqual({
        clients: 0,
        deals: 0,
        calculations: 0,
        policies: 0,
        payments: 0,
      });
      const rows = await crm.sql<{ id: string; owner_id: string | null; status: string; next_review_at: string }>(
        'select id, owner_id, status, next_review_at from crm.deals where id = any($1) order by id',
        [Object.values(D)],
      );
      expect(rows.map((row) => [row.status, row.next_review_at])).toEqual([
        ['won', daysFrom(T, 6)],
        ['proposal', daysFrom(T, 3)],
        ['in_progress', daysFrom(T, 1)],
        ['qualification', T],
        ['won', daysFrom(T, -2)],
        ['lost', daysFrom(T, -40)],
        ['won', daysFrom(T, 18)],
      ]);
      expect(rows[3]?.owner_id).toBeNull();
      expect(rows[4]?.owner_id).toBe(DEMO_CRM_USERS.dmitry);
      const team = await crm.sql<{ deal_id: string }>(
        'select deal_id from crm.deal_participants where user_id = $1 order by deal_id',
        [DEMO_CRM_USERS.elena],
      );
      expect(team.map((row) => row.deal_id)).toEqual([D.D1, D.D2, D.D3, D.D7]);
      const policies = await crm.sql<{ policy_number: string; status: string }>(
        "select policy_number, status from crm.policies where policy_number like 'CR-2024-%' order by policy_number",
      );
      expect(policies).toEqual([
        { policy_number: 'CR-2024-0001', status: 'active' },
        { policy_number: 'CR-2024-0003', status: 'active' },
        { policy_number: 'CR-2024-0004', status: 'pending_renewal' },
      ]);
    });
  });

  it('documents every route in its OpenAPI document', async () => {
    const response = await fetch(`${crm.url}/docs/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/crm/deals',
        '/api/v1/crm/deals/{dealId}/calculations/comparison',
        '/api/v1/crm/policies/{policyId}/documents/{documentId}',
        '/internal/v1/streams/deals',
      ]),
    );
    expect(Object.keys(document.paths['/api/v1/crm/deals/{dealId}'] ?? {}).sort()).toEqual(['delete', 'get', 'patch']);
  });

  describe('creation', () => {
    it('opens a deal in qualification, owned by the caller, with an ETag of its version', async () => {
      const response = await owner().post<Deal>('/deals', {
        clientId: C.C1,
        title: '  Страхование офиса  ',
        status: 'draft',
        nextReviewAt: T,
      });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        clientId: C.C1,
        title: 'Страхование офиса',
        status: 'qualification',
        stage: 'qualification',
        ownerId: DEMO_CRM_USERS.sergey,
        nextReviewAt: T,
        isDeleted: false,
        version: 1,
      });
      expect(response.headers.get('etag')).toBe('"1"');
    });

    it('refuses a deal without nextReviewAt (invariant 10) and one that does not start in qualification', async () => {
      const missing = await owner().post('/deals', { clientId: C.C1, title: 'Без даты' });
      expect(missing.status).toBe(400);
      expect(missing.body).toMatchObject({ code: 'validation_error' });
      const won = await owner().post('/deals', {
        clientId: C.C1,
        title: 'Сразу выиграна',
        status: 'won',
        nextReviewAt: T,
      });
      expect(won.status).toBe(409);
      expect(won.body).toMatchObject({ code: 'invalid_status_transition', details: { current: null, next: 'won' } });
    });

    it('answers 404 client_not_found for a client the caller cannot see', async () => {
      const response = await as(crm.tokens.otherAgent).post('/deals', {
        clientId: C.C1,
        title: 'Чужой',
        nextReviewAt: T,
      });
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ code: 'client_not_found' });
    });

    it('lets only admins open a deal for someone else or for nobody', async () => {
      const forOther = await owner().post('/deals', {
        clientId: C.C1,
        title: 'Для коллеги',
        ownerId: DEMO_CRM_USERS.olga,
        nextReviewAt: T,
      });
      expect(forOther.status).toBe(403);
      const unassigned = await admin().post<Deal>('/deals', {
        clientId: C.C4,
        title: 'Без менеджера',
        ownerId: null,
        nextReviewAt: T,
      });
      expect(unassigned.status).toBe(201);
      expect(unassigned.body.ownerId).toBeNull();
      expect((await owner().get(`/deals/${unassigned.body.id}`)).status).toBe(404);
    });
  });

  describe('next review date (invariant 10)', () => {
    it('keeps the date when PATCH omits it and refuses null', async () => {
      const { deals } = await clientWithDeals([5]);
      const deal = deals[0] as Deal;
      const renamed = await owner().patch<Deal>(`/deals/${deal.id}`, { title: 'Новое имя' });
      expect(renamed.status).toBe(200);
      expect(renamed.body.nextReviewAt).toBe(daysFrom(T, 5));
      const cleared = await owner().patch(`/deals/${deal.id}`, { nextReviewAt: null });
      expect(cleared.status).toBe(400);
      const [row] = await crm.sql<{ next_review_at: string }>('select next_review_at from crm.deals where id = $1', [
        deal.id,
      ]);
      expect(row?.next_review_at).toBe(daysFrom(T, 5));
    });
  });

  describe('list (invariant 11)', () => {
    it('orders by nextReviewAt then updatedAt and pages with a keyset cursor', async () => {
      const { clientId, deals } = await clientWithDeals([4, -3, 4, 0, 9]);
      // Touching a deal moves it behind the other deal of its day.
      await owner().patch(`/deals/${deals[0]?.id}`, { description: 'touched' });
      const all = await owner().get<DealsPage>(`/deals?clientId=${clientId}`);
      expect(all.status).toBe(200);
      const expected = [deals[1], deals[3], deals[2], deals[0], deals[4]].map((deal) => deal?.id);
      expect(all.body.items.map((deal) => deal.id)).toEqual(expected);
      expect(all.body.nextCursor).toBeNull();

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `/deals?clientId=${clientId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page: { body: DealsPage } = await owner().get<DealsPage>(query);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.items.map((deal) => deal.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(expected);
    });

    it('bounds only the future with period: overdue deals always stay', async () => {
      const { clientId, deals } = await clientWithDeals([-10, 0, 7, 8, 29, 31, 100]);
      const ids = (page: DealsPage) => page.items.map((deal) => deal.id);
      const byPeriod = async (period: string) =>
        ids((await owner().get<DealsPage>(`/deals?clientId=${clientId}&period=${period}`)).body);
      const at = (...indexes: number[]) => indexes.map((index) => deals[index]?.id);
      expect(await byPeriod('7d')).toEqual(at(0, 1, 2));
      expect(await byPeriod('30d')).toEqual(at(0, 1, 2, 3, 4));
      expect(await byPeriod('90d')).toEqual(at(0, 1, 2, 3, 4, 5));
      expect(await byPeriod('all')).toEqual(at(0, 1, 2, 3, 4, 5, 6));
    });

    it('filters by stage, status synonyms and manager, including deals without one', async () => {
      const adminList = async (query: string) =>
        (await admin().get<DealsPage>(`/deals?${query}&limit=200`)).body.items.map((deal) => deal.id);
      expect(await adminList(`stage=closedWon&manager=${DEMO_CRM_USERS.sergey}`)).toEqual(
        expect.arrayContaining([D.D1, D.D7]),
      );
      expect(await adminList(`stage=closedWon&manager=${DEMO_CRM_USERS.sergey}`)).not.toContain(D.D3);
      expect(await adminList('manager=__NO_MANAGER__')).toContain(D.D4);
      expect(await adminList(`manager=__NO_MANAGER__&manager=${DEMO_CRM_USERS.olga}&stage=proposal`)).toEqual([D.D2]);
      expect(await adminList('status=negotiation')).toContain(D.D3);
      expect(await adminList('stage[]=qualification&stage[]=closedLost')).toEqual(expect.arrayContaining([D.D4, D.D6]));
      expect(await adminList('stage=all')).toEqual(expect.arrayContaining(Object.values(D)));
    });

    it('answers invalid_manager_id, invalid_filters and invalid_cursor', async () => {
      expect((await owner().get('/deals?manager=nobody')).body).toMatchObject({
        status: 400,
        code: 'invalid_manager_id',
      });
      expect((await owner().get('/deals?stage=won')).body).toMatchObject({ status: 400, code: 'invalid_filters' });
      expect((await owner().get('/deals?period=1y')).body).toMatchObject({ status: 400, code: 'invalid_filters' });
      expect((await owner().get('/deals?cursor=bm9wZQ')).body).toMatchObject({ status: 400, code: 'invalid_cursor' });
      expect((await owner().get('/deals?limit=0')).body).toMatchObject({ status: 400, code: 'validation_error' });
    });

    it('finds deals by Russian and English words, prefixes, and is not fooled by SQL', async () => {
      const search = async (term: string) =>
        (await admin().get<DealsPage>(`/deals?search=${encodeURIComponent(term)}`)).body.items.map((deal) => deal.id);
      expect(await search('страхованию склада')).toEqual([D.D7]);
      expect(await search('  tesla  ')).toEqual([D.D2]);
      expect(await search('автопар')).toEqual([D.D1]);
      expect(await search('ЭКСКАВАТОРЫ')).toEqual([D.D3]);
      expect(await search("'; drop table crm.deals; --")).toEqual([]);
      expect(await search('%')).toEqual([]);
      expect(await crm.count('deals')).toBeGreaterThan(0);
    });
  });

  describe('statuses (invariants 12 and 13)', () => {
    it('stores canonical statuses and round-trips every stage', async () => {
      const { deals } = await clientWithDeals([1]);
      const id = (deals[0] as Deal).id;
      const stored = async () =>
        (await crm.sql<{ status: string }>('select status from crm.deals where id = $1', [id]))[0]?.status;
      const negotiation = await owner().patch<Deal>(`/deals/${id}`, { status: 'negotiation' });
      expect(negotiation.body).toMatchObject({ status: 'in_progress', stage: 'negotiation' });
      expect(await stored()).toBe('in_progress');
      const back = await owner().patch<Deal>(`/deals/${id}/stage`, { stage: 'qualification' });
      expect(back.body).toMatchObject({ status: 'qualification', stage: 'qualification' });
      const draft = await owner().patch<Deal>(`/deals/${id}`, { status: 'draft' });
      expect(draft.body.status).toBe('qualification');
      expect(await stored()).toBe('qualification');
    });

    it('moves one stage at a time, needs a ready quote for a proposal and an active policy to win', async () => {
      const { clientId, deals } = await clientWithDeals([1]);
      const id = (deals[0] as Deal).id;
      const skip = await owner().patch(`/deals/${id}/stage`, { stage: 'proposal' });
      expect(skip.status).toBe(409);
      expect(skip.body).toMatchObject({
        code: 'invalid_status_transition',
        details: { current: 'qualification', next: 'proposal' },
      });

      expect((await owner().patch(`/deals/${id}/stage`, { stage: 'negotiation' })).status).toBe(200);
      const noQuote = await owner().patch(`/deals/${id}/stage`, { stage: 'proposal' });
      expect(noQuote.body).toMatchObject({ status: 409, code: 'ready_calculation_required' });

      const quote = await owner().post(`/deals/${id}/calculations`, {
        insuranceCompany: 'ВСК',
        programName: 'Имущество',
        premiumAmount: '1000.00',
        calculationDate: T,
        validityPeriod: { start: T, end: daysFrom(T, 364) },
        files: ['quote.pdf'],
        ownerId: DEMO_CRM_USERS.elena,
      });
      expect(
        (await owner().post(`/deals/${id}/calculations/${quote.body.id}/status`, { status: 'ready' })).status,
      ).toBe(200);
      expect((await owner().patch(`/deals/${id}/stage`, { stage: 'proposal' })).status).toBe(200);

      const noPolicy = await owner().patch(`/deals/${id}/stage`, { stage: 'closedWon' });
      expect(noPolicy.body).toMatchObject({ status: 409, code: 'active_policy_required' });
      const draftPolicy = await owner().post('/policies', {
        clientId,
        dealId: id,
        policyNumber: `T-${randomUUID().slice(0, 8)}`,
        ownerId: DEMO_CRM_USERS.sergey,
      });
      expect(draftPolicy.status).toBe(201);
      expect((await owner().patch(`/deals/${id}/stage`, { stage: 'closedWon' })).body).toMatchObject({
        code: 'active_policy_required',
      });
      const activated = await owner().patch(`/policies/${draftPolicy.body.id}`, {
        status: 'active',
        effectiveFrom: T,
        effectiveTo: daysFrom(T, 364),
      });
      expect(activated.status).toBe(200);
      const won = await owner().patch<Deal>(`/deals/${id}/stage`, { stage: 'closedWon' });
      expect(won.body).toMatchObject({ status: 'won', stage: 'closedWon' });

      for (const stage of ['closedLost', 'negotiation', 'qualification']) {
        const refused = await owner().patch(`/deals/${id}/stage`, { stage });
        expect(refused.status).toBe(409);
        expect(refused.body).toMatchObject({ code: 'deal_closed', details: { current: 'won' } });
      }
      expect((await owner().patch(`/deals/${id}`, { status: 'lost' })).body).toMatchObject({ code: 'deal_closed' });
      // Field edits of a closed deal stay possible: its review date keeps moving.
      expect((await owner().patch(`/deals/${id}`, { nextReviewAt: daysFrom(T, 30) })).status).toBe(200);
    });

    it('loses an open deal from any stage, and lost is final', async () => {
      const { deals } = await clientWithDeals([1]);
      const id = (deals[0] as Deal).id;
      expect((await owner().patch<Deal>(`/deals/${id}/stage`, { stage: 'closedLost' })).body.status).toBe('lost');
      expect((await owner().patch(`/deals/${id}/stage`, { stage: 'qualification' })).body).toMatchObject({
        status: 409,
        code: 'deal_closed',
      });
    });
  });

  describe('optimistic concurrency', () => {
    it('answers 409 version_conflict to a stale If-Match or body version and writes nothing', async () => {
      const { deals } = await clientWithDeals([2]);
      const id = (deals[0] as Deal).id;
      const first = await owner().patch<Deal>(`/deals/${id}`, { title: 'v2' }, { 'if-match': '"1"' });
      expect(first.status).toBe(200);
      expect(first.body.version).toBe(2);
      expect(first.headers.get('etag')).toBe('"2"');

      const staleHeader = await owner().patch(`/deals/${id}`, { title: 'lost update' }, { 'if-match': '"1"' });
      expect(staleHeader.status).toBe(409);
      expect(staleHeader.body).toMatchObject({
        code: 'version_conflict',
        details: { currentVersion: 2, expectedVersion: 1 },
      });
      const staleBody = await owner().patch(`/deals/${id}`, { title: 'lost update', version: 1 });
      expect(staleBody.body).toMatchObject({ status: 409, code: 'version_conflict' });
      const staleStage = await owner().patch(`/deals/${id}/stage`, { stage: 'negotiation', version: 1 });
      expect(staleStage.body).toMatchObject({ status: 409, code: 'version_conflict' });

      const current = await owner().get<DealDetail>(`/deals/${id}`);
      expect(current.body).toMatchObject({ title: 'v2', version: 2 });
      const weak = await owner().patch<Deal>(`/deals/${id}`, { title: 'v3' }, { 'if-match': 'W/"2"' });
      expect(weak.body.version).toBe(3);
      expect((await owner().patch(`/deals/${id}`, { title: 'x' }, { 'if-match': 'garbage' })).status).toBe(400);
    });

    it('versions clients too', async () => {
      const client = await owner().post('/clients', { name: 'Версионный клиент' });
      const id = String(client.body.id);
      expect((await owner().patch(`/clients/${id}`, { phone: '+7 900 000-00-00', version: 1 })).status).toBe(200);
      expect((await owner().patch(`/clients/${id}`, { phone: '+7 900 000-00-01', version: 1 })).body).toMatchObject({
        status: 409,
        code: 'version_conflict',
      });
    });
  });

  describe('park until the next event', () => {
    it('suggests the earliest policy reminder and writes it on park', async () => {
      const d1 = await owner().get<DealDetail>(`/deals/${D.D1}`);
      // P1 ends at T+334: the first reminder still ahead is the renewal at −30 days.
      expect(d1.body.suggestedNextReviewAt).toBe(daysFrom(T, 304));
      const d7 = await owner().get<DealDetail>(`/deals/${D.D7}`);
      // P4 ends at T+25 (pending renewal): −7 days is the next reminder.
      expect(d7.body.suggestedNextReviewAt).toBe(daysFrom(T, 18));
      const parked = await owner().post<DealDetail>(`/deals/${D.D1}/park`, {});
      expect(parked.status).toBe(200);
      expect(parked.body).toMatchObject({ nextReviewAt: daysFrom(T, 304), suggestedNextReviewAt: daysFrom(T, 304) });
    });

    it('answers 409 no_upcoming_event when nothing is scheduled', async () => {
      const d3 = await owner().get<DealDetail>(`/deals/${D.D3}`);
      expect(d3.body.suggestedNextReviewAt).toBeNull();
      expect((await owner().post(`/deals/${D.D3}/park`)).body).toMatchObject({
        status: 409,
        code: 'no_upcoming_event',
      });
    });
  });

  describe('deletion (invariant 21)', () => {
    it('lets an admin soft-delete a deal without policies; it vanishes from reads, lists and metrics', async () => {
      const { clientId, deals } = await clientWithDeals([3]);
      const id = (deals[0] as Deal).id;
      expect((await owner().delete(`/deals/${id}`)).status).toBe(403);
      const before = (await admin().get<StageMetric[]>(`/deals/stage-metrics?clientId=${clientId}`)).body;
      expect(before.find((metric) => metric.stage === 'qualification')?.count).toBe(1);

      expect((await admin().delete(`/deals/${id}`)).status).toBe(204);
      expect((await admin().get(`/deals/${id}`)).body).toMatchObject({ status: 404, code: 'deal_not_found' });
      expect((await admin().get(`/deals/${id}/journal`)).body).toMatchObject({ status: 404, code: 'deal_not_found' });
      expect((await admin().get<DealsPage>(`/deals?clientId=${clientId}`)).body.items).toEqual([]);
      const after = (await admin().get<StageMetric[]>(`/deals/stage-metrics?clientId=${clientId}`)).body;
      expect(after.map((metric) => metric.count)).toEqual([0, 0, 0, 0, 0]);
      expect((await admin().delete(`/deals/${id}`)).status).toBe(404);
      const [row] = await crm.sql<{ is_deleted: boolean }>('select is_deleted from crm.deals where id = $1', [id]);
      expect(row?.is_deleted).toBe(true);
    });

    it('refuses to delete a deal with policies, and a client with deals', async () => {
      expect((await admin().delete(`/deals/${D.D5}`)).body).toMatchObject({ status: 409, code: 'deal_has_policies' });
      const client = await admin().patch(`/clients/${C.C6}`, { isDeleted: true });
      expect(client.body).toMatchObject({ status: 409, code: 'client_has_deals' });
    });

    it('refuses to delete a client whose only live deal belongs to someone the caller cannot see', async () => {
      const created = await owner().post('/clients', { name: 'Клиент с чужой сделкой' });
      const clientId = String(created.body.id);
      const colleagues = await admin().post<Deal>('/deals', {
        clientId,
        title: 'Сделка коллеги',
        ownerId: DEMO_CRM_USERS.olga,
        nextReviewAt: T,
      });
      expect(colleagues.status).toBe(201);
      expect((await owner().get(`/deals/${colleagues.body.id}`)).status).toBe(404);
      const refused = await owner().patch(`/clients/${clientId}`, { isDeleted: true });
      expect(refused.body).toMatchObject({ status: 409, code: 'client_has_deals' });
      expect((await owner().get(`/clients/${clientId}`)).status).toBe(200);
    });

    it('soft-deletes a client without deals (owner or admin) and hides it', async () => {
      const created = await owner().post('/clients', { name: 'Удаляемый' });
      const id = String(created.body.id);
      expect((await owner().patch(`/clients/${id}`, { isDeleted: true })).status).toBe(200);
      expect((await owner().get(`/clients/${id}`)).status).toBe(404);
      const list = await admin().get<{ items: Array<{ id: string }> }>('/clients?limit=200');
      expect(list.body.items.map((client) => client.id)).not.toContain(id);
    });
  });

  describe('stage metrics', () => {
    it('always lists the five stages; conversion rates sum to 1 and filters apply', async () => {
      const all = await admin().get<StageMetric[]>('/deals/stage-metrics');
      expect(all.status).toBe(200);
      expect(all.body.map((metric) => metric.stage)).toEqual([
        'qualification',
        'negotiation',
        'proposal',
        'closedWon',
        'closedLost',
      ]);
      expect(all.body.reduce((sum, metric) => sum + metric.conversionRate, 0)).toBeCloseTo(1, 10);
      // Demo payments (domain.md §5): D1, D5 and D7 are won; cancelled and deleted payments never count.
      // D1 2 970 000 + D5 840 000 + D7 462 000 planned.
      expect(all.body.map((metric) => metric.totalValue)).toEqual(['0.00', '0.00', '0.00', '4272000.00', '0.00']);

      const mine = await owner().get<StageMetric[]>('/deals/stage-metrics?stage=closedWon');
      expect(mine.body.map((metric) => metric.count)).toEqual([0, 0, 0, expect.any(Number), 0]);
      expect(mine.body[3]?.conversionRate).toBe(1);

      const nobody = await admin().get<StageMetric[]>(`/deals/stage-metrics?manager=${randomUUID()}`);
      expect(nobody.body.map((metric) => [metric.count, metric.conversionRate, metric.avgCycleDurationDays])).toEqual(
        Array(5).fill([0, 0, null]),
      );
    });
  });

  describe('clients', () => {
    it('searches names, email words and phone digits', async () => {
      const search = async (term: string) =>
        (
          await admin().get<{ items: Array<{ id: string }> }>(`/clients?search=${encodeURIComponent(term)}`)
        ).body.items.map((client) => client.id);
      expect(await search('страховые решения')).toEqual([C.C1]);
      expect(await search('+7 (495) 100-20')).toEqual([C.C1]);
      expect(await search('medcenter')).toEqual([C.C6]);
      expect(await search('петров')).toEqual([C.C2]);
      expect(await search("Robert'); DROP TABLE crm.clients;--")).toEqual([]);
    });

    it('filters by status and owner, unassigned included, and pages by name', async () => {
      const prospects = await admin().get<{ items: Array<{ id: string }> }>('/clients?status=prospect');
      expect(prospects.body.items.map((client) => client.id)).toContain(C.C4);
      const unassigned = await admin().get<{ items: Array<{ id: string }> }>('/clients?ownerId=__NO_MANAGER__');
      expect(unassigned.body.items.map((client) => client.id)).toContain(C.C4);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await admin().get(
          `/clients?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        seen.push(...page.body.items.map((client) => client.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      const full = await admin().get<{ items: Array<{ id: string }> }>('/clients?limit=200');
      expect(seen).toEqual(full.body.items.map((client) => client.id));
    });

    it('lets only admins reassign a client', async () => {
      expect((await owner().patch(`/clients/${C.C3}`, { ownerId: DEMO_CRM_USERS.olga })).status).toBe(403);
      const created = await owner().post('/clients', { name: 'Передаваемый' });
      const moved = await admin().patch(`/clients/${created.body.id}`, { ownerId: DEMO_CRM_USERS.olga });
      expect(moved.body).toMatchObject({ ownerId: DEMO_CRM_USERS.olga, version: 2 });
      expect((await owner().get(`/clients/${created.body.id}`)).status).toBe(404);
    });
  });
});
