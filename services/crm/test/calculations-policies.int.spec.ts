import { randomUUID } from 'node:crypto';
import type {
  Calculation,
  CalculationComparison,
  CalculationsPage,
  Deal,
  JournalEntry,
  JournalPage,
  Participant,
  PoliciesPage,
  Policy,
} from '@polis/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CRM_IDS, DEMO_CRM_USERS } from '../src/index.js';
import { type CrmHarness, daysFrom, type Json, startCrm } from './crm-harness.js';

const { deals: D, clients: C, policies: P, calculations: Q } = DEMO_CRM_IDS;

describe('calculations, policies, journal and the deal team', () => {
  let crm: CrmHarness;
  let T: string;

  beforeAll(async () => {
    crm = await startCrm({ documents: true });
    T = crm.today;
  });

  afterAll(async () => {
    await crm?.close();
  });

  const as = (token: string) => ({
    get: <B = Json>(path: string) => crm.request<B>('GET', `/api/v1/crm${path}`, { token }),
    post: <B = Json>(path: string, body?: unknown) => crm.request<B>('POST', `/api/v1/crm${path}`, { token, body }),
    patch: <B = Json>(path: string, body: unknown) => crm.request<B>('PATCH', `/api/v1/crm${path}`, { token, body }),
    delete: (path: string) => crm.request('DELETE', `/api/v1/crm${path}`, { token }),
  });
  const owner = () => as(crm.tokens.owner);
  const admin = () => as(crm.tokens.admin);
  const executor = () => as(crm.tokens.teamExecutor);

  /** A fresh deal of the owner on client C1, with the team executor on it. */
  async function teamDeal(): Promise<string> {
    const deal = await owner().post<Deal>('/deals', {
      clientId: C.C1,
      title: `Сделка ${randomUUID().slice(0, 6)}`,
      nextReviewAt: T,
    });
    expect(deal.status).toBe(201);
    expect((await owner().post(`/deals/${deal.body.id}/participants`, { userId: DEMO_CRM_USERS.elena })).status).toBe(
      201,
    );
    return deal.body.id;
  }

  const completeQuote = (overrides: Json = {}) => ({
    insuranceCompany: 'Ингосстрах',
    programName: 'КАСКО',
    premiumAmount: '120000.50',
    coverageSum: '3000000',
    calculationDate: T,
    validityPeriod: { start: T, end: daysFrom(T, 364) },
    files: ['quotes/ingos.pdf'],
    comments: 'Франшиза 30 000',
    ownerId: DEMO_CRM_USERS.elena,
    ...overrides,
  });

  async function quote(dealId: string, status: 'draft' | 'ready' | 'confirmed', overrides: Json = {}) {
    const created = await executor().post<Calculation>(`/deals/${dealId}/calculations`, completeQuote(overrides));
    expect(created.status).toBe(201);
    if (status !== 'draft') {
      expect(
        (await executor().post(`/deals/${dealId}/calculations/${created.body.id}/status`, { status: 'ready' })).status,
      ).toBe(200);
    }
    if (status === 'confirmed') {
      expect(
        (await owner().post(`/deals/${dealId}/calculations/${created.body.id}/status`, { status: 'confirmed' })).status,
      ).toBe(200);
    }
    return created.body.id;
  }

  const policyNumber = () => `CR-T-${randomUUID().slice(0, 8)}`;

  describe('calculations', () => {
    it('are entered as drafts by a team executor, with money and dates as strings', async () => {
      const dealId = await teamDeal();
      const created = await executor().post<Calculation>(`/deals/${dealId}/calculations`, completeQuote());
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        dealId,
        status: 'draft',
        premiumAmount: '120000.50',
        coverageSum: '3000000.00',
        validityPeriod: { start: T, end: daysFrom(T, 364) },
        files: ['quotes/ingos.pdf'],
        linkedPolicyId: null,
        version: 1,
      });
      const fetched = await executor().get<Calculation>(`/deals/${dealId}/calculations/${created.body.id}`);
      expect(fetched.body).toEqual(created.body);
    });

    it('follow only the transitions of §3.2 (invariant 14)', async () => {
      const dealId = await teamDeal();
      const id = await quote(dealId, 'draft');
      const move = (status: string) => owner().post(`/deals/${dealId}/calculations/${id}/status`, { status });
      for (const status of ['confirmed', 'archived']) {
        const refused = await move(status);
        expect(refused.status).toBe(409);
        expect(refused.body).toMatchObject({
          code: 'invalid_status_transition',
          details: { current: 'draft', next: status },
        });
      }
      expect((await move('ready')).status).toBe(200);
      expect((await move('ready')).body).toMatchObject({ status: 409, code: 'invalid_status_transition' });
      expect((await move('confirmed')).status).toBe(200);
      expect((await move('archived')).status).toBe(200);
      for (const status of ['ready', 'confirmed', 'archived']) {
        expect((await move(status)).body).toMatchObject({ status: 409, code: 'invalid_status_transition' });
      }
      const edit = await owner().patch(`/deals/${dealId}/calculations/${id}`, { comments: 'поздно' });
      expect(edit.body).toMatchObject({ status: 400, code: 'calculation_update_forbidden' });
      const ready = await quote(dealId, 'ready');
      expect((await move('draft')).status).toBe(400);
      expect((await owner().post(`/deals/${dealId}/calculations/${ready}/status`, { status: 'archived' })).status).toBe(
        200,
      );
    });

    it('refuse edits once confirmed', async () => {
      const dealId = await teamDeal();
      const id = await quote(dealId, 'confirmed');
      const edit = await owner().patch(`/deals/${dealId}/calculations/${id}`, { premiumAmount: '1.00' });
      expect(edit.body).toMatchObject({ status: 400, code: 'calculation_update_forbidden' });
    });

    it('need program, premium, full validity and a file to be ready, and stay complete (invariant 15)', async () => {
      const dealId = await teamDeal();
      const cases: Array<[Json, string]> = [
        [{ programName: null }, 'program_required_for_ready'],
        [{ premiumAmount: null }, 'premium_required_for_ready'],
        [{ validityPeriod: null }, 'validity_period_required_for_ready'],
        [{ files: [] }, 'files_required_for_ready'],
      ];
      for (const [missing, code] of cases) {
        const id = await quote(dealId, 'draft', missing);
        const refused = await executor().post(`/deals/${dealId}/calculations/${id}/status`, { status: 'ready' });
        expect(refused.status, code).toBe(400);
        expect(refused.body).toMatchObject({ code, details: { missing: [code] } });
      }
      const ready = await quote(dealId, 'ready');
      const cleared = await executor().patch(`/deals/${dealId}/calculations/${ready}`, { validityPeriod: null });
      expect(cleared.body).toMatchObject({ status: 400, code: 'validity_period_required_for_ready' });
      const edited = await executor().patch<Calculation>(`/deals/${dealId}/calculations/${ready}`, {
        premiumAmount: '99.99',
      });
      expect(edited.body).toMatchObject({ status: 'ready', premiumAmount: '99.99', version: 3 });
    });

    it('are confirmed by the lead or an admin only', async () => {
      const dealId = await teamDeal();
      const id = await quote(dealId, 'ready');
      const byExecutor = await executor().post(`/deals/${dealId}/calculations/${id}/status`, { status: 'confirmed' });
      expect(byExecutor.body).toMatchObject({ status: 403, code: 'forbidden' });
      expect((await admin().post(`/deals/${dealId}/calculations/${id}/status`, { status: 'confirmed' })).status).toBe(
        200,
      );
    });

    it('link at most one policy of the same deal, and deletion drops the link (invariant 16)', async () => {
      const dealId = await teamDeal();
      const draftPolicy = await owner().post<Policy>('/policies', {
        clientId: C.C1,
        dealId,
        policyNumber: policyNumber(),
        ownerId: DEMO_CRM_USERS.sergey,
      });
      const first = await quote(dealId, 'ready');
      const foreign = await owner().post(`/deals/${dealId}/calculations/${first}/status`, {
        status: 'confirmed',
        policyId: P.P1,
      });
      expect(foreign.body).toMatchObject({ status: 404, code: 'policy_not_found' });
      const linked = await owner().post<Calculation>(`/deals/${dealId}/calculations/${first}/status`, {
        status: 'confirmed',
        policyId: draftPolicy.body.id,
      });
      expect(linked.body).toMatchObject({ status: 'confirmed', linkedPolicyId: draftPolicy.body.id });
      expect((await owner().get<Policy>(`/policies/${draftPolicy.body.id}`)).body.calculationId).toBe(first);

      const second = await quote(dealId, 'ready');
      const taken = await owner().post(`/deals/${dealId}/calculations/${second}/status`, {
        status: 'confirmed',
        policyId: draftPolicy.body.id,
      });
      expect(taken.body).toMatchObject({ status: 400, code: 'policy_already_linked' });

      expect((await owner().delete(`/deals/${dealId}/calculations/${first}`)).body).toMatchObject({
        status: 409,
        code: 'calculation_confirmed',
      });
      // Archiving keeps the link (decision 20); deleting the archived quote drops it.
      const archived = await owner().post<Calculation>(`/deals/${dealId}/calculations/${first}/status`, {
        status: 'archived',
      });
      expect(archived.body.linkedPolicyId).toBe(draftPolicy.body.id);
      expect((await executor().delete(`/deals/${dealId}/calculations/${first}`)).status).toBe(403);
      expect((await owner().delete(`/deals/${dealId}/calculations/${first}`)).status).toBe(204);
      expect((await owner().get(`/deals/${dealId}/calculations/${first}`)).body).toMatchObject({
        status: 404,
        code: 'calculation_not_found',
      });
      expect((await owner().get<Policy>(`/policies/${draftPolicy.body.id}`)).body.calculationId).toBeNull();
      expect(
        (
          await owner().post(`/deals/${dealId}/calculations/${second}/status`, {
            status: 'confirmed',
            policyId: draftPolicy.body.id,
          })
        ).status,
      ).toBe(200);
    });

    it('list newest update first with filters, and compare side by side with the cheapest flagged', async () => {
      const dealId = await teamDeal();
      const a = await quote(dealId, 'ready', {
        insuranceCompany: 'ВСК',
        premiumAmount: '50000.00',
        calculationDate: daysFrom(T, -3),
      });
      const b = await quote(dealId, 'draft', { insuranceCompany: 'Согласие', premiumAmount: '45000.00' });
      const c = await quote(dealId, 'ready', { insuranceCompany: 'СОГАЗ', premiumAmount: '45000.00' });
      const d = await quote(dealId, 'ready', { insuranceCompany: 'Ренессанс', premiumAmount: '1000.00' });
      await owner().post(`/deals/${dealId}/calculations/${d}/status`, { status: 'archived' });
      const e = await quote(dealId, 'draft', { insuranceCompany: 'Зетта', premiumAmount: null });

      const list = await executor().get<CalculationsPage>(`/deals/${dealId}/calculations`);
      expect(list.body.items.map((item) => item.id)).toEqual([e, d, c, b, a]);
      const ready = await executor().get<CalculationsPage>(
        `/deals/${dealId}/calculations?status=ready&status=archived`,
      );
      expect(ready.body.items.map((item) => item.id)).toEqual([d, c, a]);
      const byCompany = await executor().get<CalculationsPage>(`/deals/${dealId}/calculations?insuranceCompany=со`);
      expect(byCompany.body.items.map((item) => item.id)).toEqual([c, b]);
      const byDate = await executor().get<CalculationsPage>(
        `/deals/${dealId}/calculations?calculationDateTo=${daysFrom(T, -1)}`,
      );
      expect(byDate.body.items.map((item) => item.id)).toEqual([a]);
      const paged = await executor().get<CalculationsPage>(`/deals/${dealId}/calculations?limit=3`);
      const rest = await executor().get<CalculationsPage>(
        `/deals/${dealId}/calculations?limit=3&cursor=${paged.body.nextCursor}`,
      );
      expect([...paged.body.items, ...rest.body.items].map((item) => item.id)).toEqual([e, d, c, b, a]);

      const comparison = await executor().get<CalculationComparison>(`/deals/${dealId}/calculations/comparison`);
      expect(comparison.status).toBe(200);
      expect(comparison.body.items.map((item) => [item.calculationId, item.cheapest])).toEqual([
        [expect.any(String), true],
        [expect.any(String), true],
        [a, false],
        [e, false],
      ]);
      expect(new Set(comparison.body.items.slice(0, 2).map((item) => item.calculationId))).toEqual(new Set([b, c]));
      expect(comparison.body.cheapestCalculationId).toMatch(new RegExp(`${b}|${c}`));
      expect(comparison.body.items[2]).toMatchObject({
        insuranceCompany: 'ВСК',
        premiumAmount: '50000.00',
        coverageSum: '3000000.00',
        validityPeriod: { start: T, end: daysFrom(T, 364) },
      });
    });
  });

  describe('policies', () => {
    it('are issued from a ready quote by the lead, confirming it, with its premium and period', async () => {
      const dealId = await teamDeal();
      const id = await quote(dealId, 'ready');
      const number = policyNumber();
      const byExecutor = await executor().post(`/deals/${dealId}/calculations/${id}/policy`, { policyNumber: number });
      expect(byExecutor.body).toMatchObject({ status: 403 });
      const issued = await owner().post<Policy>(`/deals/${dealId}/calculations/${id}/policy`, {
        policyNumber: number,
        status: 'active',
      });
      expect(issued.status).toBe(201);
      expect(issued.body).toMatchObject({
        clientId: C.C1,
        dealId,
        calculationId: id,
        policyNumber: number,
        status: 'active',
        premium: '120000.50',
        effectiveFrom: T,
        effectiveTo: daysFrom(T, 364),
        ownerId: DEMO_CRM_USERS.sergey,
      });
      const calc = await owner().get<Calculation>(`/deals/${dealId}/calculations/${id}`);
      expect(calc.body).toMatchObject({ status: 'confirmed', linkedPolicyId: issued.body.id });
      const again = await owner().post(`/deals/${dealId}/calculations/${id}/policy`, { policyNumber: policyNumber() });
      expect(again.body).toMatchObject({ status: 409, code: 'calculation_already_linked' });
    });

    it('are issued from a confirmed quote by any team member; a draft quote cannot issue one', async () => {
      const dealId = await teamDeal();
      const confirmed = await quote(dealId, 'confirmed');
      const issued = await executor().post<Policy>(`/deals/${dealId}/calculations/${confirmed}/policy`, {
        policyNumber: policyNumber(),
        premium: '110000.00',
      });
      expect(issued.body).toMatchObject({ status: 'draft', premium: '110000.00', ownerId: DEMO_CRM_USERS.elena });
      const draft = await quote(dealId, 'draft');
      const refused = await owner().post(`/deals/${dealId}/calculations/${draft}/policy`, {
        policyNumber: policyNumber(),
      });
      expect(refused.body).toMatchObject({ status: 409, code: 'invalid_status_transition' });
    });

    it('have unique numbers, ordered periods and their deal’s client (invariants 17, 18)', async () => {
      const dealId = await teamDeal();
      const duplicate = await owner().post('/policies', {
        clientId: C.C1,
        dealId,
        policyNumber: 'CR-2024-0001',
        ownerId: DEMO_CRM_USERS.sergey,
      });
      expect(duplicate.body).toMatchObject({ status: 409, code: 'policy_number_exists' });
      const deletedNumber = policyNumber();
      const doomed = await owner().post<Policy>('/policies', {
        clientId: C.C1,
        dealId,
        policyNumber: deletedNumber,
        ownerId: DEMO_CRM_USERS.sergey,
      });
      expect((await owner().patch(`/policies/${doomed.body.id}`, { isDeleted: true })).status).toBe(200);
      expect((await owner().get(`/policies/${doomed.body.id}`)).body).toMatchObject({
        status: 404,
        code: 'policy_not_found',
      });
      const listed = await owner().get<PoliciesPage>(`/policies?dealId=${dealId}`);
      expect(listed.body.items.map((policy) => policy.id)).not.toContain(doomed.body.id);
      const reuse = await owner().post('/policies', {
        clientId: C.C1,
        dealId,
        policyNumber: deletedNumber,
        ownerId: DEMO_CRM_USERS.sergey,
      });
      expect(reuse.body).toMatchObject({ status: 409, code: 'policy_number_exists' });

      const backwards = await owner().post('/policies', {
        clientId: C.C1,
        dealId,
        policyNumber: policyNumber(),
        effectiveFrom: T,
        effectiveTo: daysFrom(T, -1),
        ownerId: DEMO_CRM_USERS.sergey,
      });
      expect(backwards.status).toBe(400);
      const quoteBackwards = await executor().post(
        `/deals/${dealId}/calculations`,
        completeQuote({
          validityPeriod: { start: T, end: daysFrom(T, -1) },
        }),
      );
      expect(quoteBackwards.status).toBe(400);

      const otherClient = await owner().post('/policies', {
        clientId: C.C3,
        dealId,
        policyNumber: policyNumber(),
        ownerId: DEMO_CRM_USERS.sergey,
      });
      expect(otherClient.body).toMatchObject({ status: 400, code: 'client_mismatch' });
      const rows = await crm.sql('select 1 from crm.policies where deal_id = $1 and client_id <> $2', [dealId, C.C1]);
      expect(rows).toEqual([]);
    });

    it('live draft → active ⇄ pending_renewal → closed, and a closed one is final (invariant 19)', async () => {
      const dealId = await teamDeal();
      const created = await owner().post<Policy>('/policies', {
        clientId: C.C1,
        dealId,
        policyNumber: policyNumber(),
        ownerId: DEMO_CRM_USERS.elena,
      });
      const id = created.body.id;
      const patch = (body: Json, who = owner()) => who.patch<Policy>(`/policies/${id}`, body);

      expect((await patch({ status: 'closed', closedReason: 'cancelled' })).body).toMatchObject({
        status: 409,
        code: 'invalid_status_transition',
        details: { current: 'draft', next: 'closed' },
      });
      expect((await patch({ status: 'active' })).body).toMatchObject({ status: 400, code: 'policy_dates_required' });
      const active = await patch({ status: 'active', effectiveFrom: T, effectiveTo: daysFrom(T, 30) }, executor());
      expect(active.body).toMatchObject({ status: 'active', version: 2 });
      expect((await patch({ effectiveTo: daysFrom(T, -1) })).body).toMatchObject({ status: 400 });
      expect((await patch({ status: 'pending_renewal' }, executor())).body).toMatchObject({
        status: 'pending_renewal',
      });
      expect((await patch({ status: 'active' }, executor())).body).toMatchObject({ status: 403 });
      expect((await patch({ status: 'active', effectiveTo: daysFrom(T, 20) })).body).toMatchObject({
        status: 400,
        code: 'policy_extension_required',
      });
      expect((await patch({ status: 'active', effectiveTo: daysFrom(T, 395) })).body).toMatchObject({
        status: 'active',
        effectiveTo: daysFrom(T, 395),
      });
      expect((await patch({ status: 'closed' })).body).toMatchObject({ status: 400, code: 'closed_reason_required' });
      expect((await patch({ status: 'closed', closedReason: 'expired' }, executor())).body).toMatchObject({
        status: 403,
      });
      expect((await patch({ closedReason: 'expired' })).body).toMatchObject({ status: 400 });
      const closed = await patch({ status: 'closed', closedReason: 'expired' });
      expect(closed.body).toMatchObject({ status: 'closed', closedReason: 'expired' });
      for (const status of ['active', 'pending_renewal', 'draft']) {
        const refused = await patch({ status });
        expect(refused.status).toBe(409);
        expect(refused.body).toMatchObject({ code: 'policy_closed', details: { current: 'closed', next: status } });
      }
      expect((await patch({ premium: '1.00' })).body).toMatchObject({ status: 409, code: 'policy_closed' });
    });

    it('are listed per deal, client and status, newest first', async () => {
      const dealId = await teamDeal();
      const first = await owner().post<Policy>('/policies', {
        clientId: C.C1,
        dealId,
        policyNumber: policyNumber(),
        ownerId: DEMO_CRM_USERS.sergey,
      });
      const second = await owner().post<Policy>('/policies', {
        clientId: C.C1,
        dealId,
        policyNumber: policyNumber(),
        status: 'active',
        effectiveFrom: T,
        effectiveTo: daysFrom(T, 10),
        ownerId: DEMO_CRM_USERS.sergey,
      });
      const byDeal = await executor().get<PoliciesPage>(`/policies?dealId=${dealId}`);
      expect(byDeal.body.items.map((policy) => policy.id)).toEqual([second.body.id, first.body.id]);
      const active = await executor().get<PoliciesPage>(`/policies?dealId=${dealId}&status=active`);
      expect(active.body.items.map((policy) => policy.id)).toEqual([second.body.id]);
      const byClient = await owner().get<PoliciesPage>(`/policies?clientId=${C.C1}&limit=1`);
      expect(byClient.body.items).toHaveLength(1);
      expect(byClient.body.nextCursor).toEqual(expect.any(String));
      const olgas = await as(crm.tokens.otherAgent).get<PoliciesPage>('/policies?limit=200');
      expect(olgas.body.items.map((policy) => policy.id)).not.toContain(P.P1);
    });
  });

  describe('journal (invariant 20)', () => {
    it('appends entries by the caller, lists them oldest first with the total, and bounds the body', async () => {
      const dealId = await teamDeal();
      const bodies = ['Первая запись', 'Вторая', 'Третья'];
      const authors = [owner(), executor(), admin()];
      for (const [index, body] of bodies.entries()) {
        const entry = await authors[index]?.post<JournalEntry>(`/deals/${dealId}/journal`, {
          body,
          authorId: DEMO_CRM_USERS.olga,
        });
        expect(entry?.status).toBe(201);
      }
      const page = await executor().get<JournalPage>(`/deals/${dealId}/journal`);
      expect(page.body.total).toBe(3);
      expect(page.body.items.map((entry) => [entry.body, entry.authorId])).toEqual([
        ['Первая запись', DEMO_CRM_USERS.sergey],
        ['Вторая', DEMO_CRM_USERS.elena],
        ['Третья', DEMO_CRM_USERS.anna],
      ]);
      const second = await owner().get<JournalPage>(`/deals/${dealId}/journal?limit=1&offset=1`);
      expect(second.body).toMatchObject({ total: 3, items: [{ body: 'Вторая' }] });
      expect((await owner().post(`/deals/${dealId}/journal`, { body: 'x'.repeat(5000) })).status).toBe(201);
      for (const body of ['', '   ', 'x'.repeat(5001)]) {
        expect((await owner().post(`/deals/${dealId}/journal`, { body })).status).toBe(400);
      }
      expect((await owner().get<JournalPage>(`/deals/${dealId}/journal`)).body.total).toBe(4);
      expect((await owner().get(`/deals/${dealId}/journal?limit=201`)).status).toBe(400);
      expect((await owner().get(`/deals/${randomUUID()}/journal`)).body).toMatchObject({
        status: 404,
        code: 'deal_not_found',
      });
    });
  });

  describe('deal team', () => {
    it('grants and revokes access at once; only the lead or an admin changes it', async () => {
      const dealId = await teamDeal();
      const olga = as(crm.tokens.otherAgent);
      expect((await olga.get(`/deals/${dealId}`)).status).toBe(404);
      expect((await executor().post(`/deals/${dealId}/participants`, { userId: DEMO_CRM_USERS.olga })).status).toBe(
        403,
      );
      const added = await owner().post<Participant>(`/deals/${dealId}/participants`, { userId: DEMO_CRM_USERS.olga });
      expect(added.body).toMatchObject({ dealId, userId: DEMO_CRM_USERS.olga, addedById: DEMO_CRM_USERS.sergey });
      expect((await owner().post(`/deals/${dealId}/participants`, { userId: DEMO_CRM_USERS.olga })).body).toMatchObject(
        {
          status: 409,
          code: 'participant_exists',
        },
      );
      expect((await olga.get(`/deals/${dealId}`)).status).toBe(200);
      expect((await olga.get(`/clients/${C.C1}`)).status).toBe(200);
      const team = await olga.get<Participant[]>(`/deals/${dealId}/participants`);
      expect(team.body.map((member) => member.userId)).toEqual([DEMO_CRM_USERS.elena, DEMO_CRM_USERS.olga]);
      // A member works beneath the deal but does not steer it.
      expect((await olga.patch(`/deals/${dealId}`, { title: 'захват' })).status).toBe(403);

      expect((await admin().delete(`/deals/${dealId}/participants/${DEMO_CRM_USERS.olga}`)).status).toBe(204);
      expect((await olga.get(`/deals/${dealId}`)).status).toBe(404);
      expect((await olga.get(`/clients/${C.C1}`)).status).toBe(404);
      expect((await owner().delete(`/deals/${dealId}/participants/${DEMO_CRM_USERS.olga}`)).body).toMatchObject({
        status: 404,
        code: 'participant_not_found',
      });
    });

    it('shows the demo team on D1', async () => {
      const team = await owner().get<Participant[]>(`/deals/${D.D1}/participants`);
      expect(team.body.map((member) => member.userId)).toEqual([DEMO_CRM_USERS.elena]);
      expect((await executor().get<Calculation>(`/deals/${D.D1}/calculations/${Q.D1_INGOS}`)).body.linkedPolicyId).toBe(
        P.P1,
      );
    });
  });

  describe('policy documents (checked in Documents, domain.md §2.7)', () => {
    const links = (policyId = P.P1) =>
      crm.sql('select document_id from crm.policy_documents where policy_id = $1', [policyId]);
    const docs = () => crm.documents!;

    it('links a document the caller sees, once; unlinking keeps the file; linking publishes nothing', async () => {
      const documentId = await docs().create('owner', 'policy', P.P1);
      const outbox = await crm.count('outbox');
      const linked = await executor().post(`/policies/${P.P1}/documents`, { documentId });
      expect(linked.status).toBe(201);
      expect(linked.body).toMatchObject({ policyId: P.P1, documentId });
      expect(await crm.count('outbox')).toBe(outbox);
      expect((await owner().post(`/policies/${P.P1}/documents`, { documentId })).body).toMatchObject({
        status: 409,
        code: 'document_already_linked',
      });
      // A document of the deal or the client is as good as one filed under the policy.
      const onDeal = await docs().create('owner', 'deal', D.D1);
      expect((await executor().post(`/policies/${P.P1}/documents`, { documentId: onDeal })).status).toBe(201);
      const list = await owner().get<Array<{ documentId: string }>>(`/policies/${P.P1}/documents`);
      expect(list.body.map((link) => link.documentId)).toEqual(expect.arrayContaining([documentId, onDeal]));

      expect((await owner().delete(`/policies/${P.P1}/documents/${documentId}`)).status).toBe(204);
      expect((await owner().delete(`/policies/${P.P1}/documents/${documentId}`)).body).toMatchObject({
        status: 404,
        code: 'document_not_linked',
      });
      const file = await docs().request('GET', `/api/v1/documents/${documentId}`, { token: crm.tokens.owner });
      expect(file.status).toBe(200);
      expect(file.body).toMatchObject({ id: documentId });
      const missingPolicy = await owner().get(`/policies/${randomUUID()}/documents`);
      expect(missingPolicy.body).toMatchObject({ status: 404, code: 'policy_not_found' });
    });

    it('refuses an unknown document with 404 document_not_found and writes nothing', async () => {
      const before = await links();
      const unknown = await owner().post(`/policies/${P.P1}/documents`, { documentId: randomUUID() });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ code: 'document_not_found' });
      expect(await links()).toEqual(before);
    });

    it('refuses a document of a client or deal the caller does not see, as if it did not exist', async () => {
      // Olga's client C5 and deal D6: Sergey sees neither; the administrator files documents there.
      expect((await owner().get(`/clients/${C.C5}`)).status).toBe(404);
      expect((await owner().get(`/deals/${D.D6}`)).status).toBe(404);
      const before = await links();
      for (const [ownerType, ownerId] of [
        ['client', C.C5],
        ['deal', D.D6],
      ] as const) {
        const documentId = await docs().create('admin', ownerType, ownerId);
        const refused = await owner().post(`/policies/${P.P1}/documents`, { documentId });
        expect(refused.status).toBe(404);
        expect(refused.body).toMatchObject({ code: 'document_not_found' });
        // The same document is linkable by someone who sees it.
        expect((await admin().post(`/policies/${P.P1}/documents`, { documentId })).status).toBe(201);
        expect((await admin().delete(`/policies/${P.P1}/documents/${documentId}`)).status).toBe(204);
      }
      expect(await links()).toEqual(before);
    });

    it('refuses a deleted document', async () => {
      const documentId = await docs().create('owner', 'policy', P.P1);
      expect(
        (await docs().request('DELETE', `/api/v1/documents/${documentId}`, { token: crm.tokens.owner })).status,
      ).toBe(204);
      const refused = await owner().post(`/policies/${P.P1}/documents`, { documentId });
      expect(refused.status).toBe(404);
      expect(refused.body).toMatchObject({ code: 'document_not_found' });
      expect((await links()).map((row) => row.document_id)).not.toContain(documentId);
    });

    // Last in the file: Documents stays down afterwards.
    it('answers 503 upstream_unavailable while Documents is down, writing nothing; listing and unlinking still work', async () => {
      const documentId = await docs().create('owner', 'policy', P.P1);
      const kept = await docs().create('owner', 'policy', P.P1);
      expect((await owner().post(`/policies/${P.P1}/documents`, { documentId: kept })).status).toBe(201);
      await docs().stop();
      const before = await links();

      const down = await owner().post(`/policies/${P.P1}/documents`, { documentId });
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ code: 'upstream_unavailable' });
      expect(await links()).toEqual(before);
      // The policy is checked first: an unknown one is still 404.
      const noPolicy = await owner().post(`/policies/${randomUUID()}/documents`, { documentId });
      expect(noPolicy.body).toMatchObject({ status: 404, code: 'policy_not_found' });

      expect((await owner().get(`/policies/${P.P1}/documents`)).status).toBe(200);
      expect((await owner().delete(`/policies/${P.P1}/documents/${kept}`)).status).toBe(204);
    });
  });
});
