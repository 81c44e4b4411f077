import { randomUUID } from 'node:crypto';
import type { CloudEvent } from '@polis/bus';
import {
  CRM_EVENT_SOURCE,
  type CrmEventKey,
  crmEventDataSchemas,
  crmEventType,
  type Deal,
  type Policy,
} from '@polis/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CRM_IDS, DEMO_CRM_USERS } from '../src/index.js';
import { type CrmHarness, daysFrom, EventRecorder, eventually, type Json, startCrm } from './crm-harness.js';

const { clients: C, deals: D } = DEMO_CRM_IDS;

describe('events on crm.events (invariant 25)', () => {
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

  /** Waits until every outbox row is published and delivered to the recording queue. */
  async function settle(): Promise<void> {
    await eventually(async () => {
      const [row] = await crm.sql<{ total: number; pending: number }>(
        'select count(*)::int as total, count(*) filter (where published_at is null)::int as pending from crm.outbox',
      );
      return row && row.pending === 0 && recorder.events.length === row.total ? true : undefined;
    });
  }

  /** The events one action published, after everything before it has gone out. */
  async function eventsOf(action: () => Promise<{ status: number }>, status: number): Promise<CloudEvent[]> {
    await settle();
    const mark = recorder.mark();
    const response = await action();
    expect(response.status).toBe(status);
    await settle();
    return mark.since();
  }

  const keysOf = (events: CloudEvent[]) => events.map((event) => event.type);
  const types = (...keys: CrmEventKey[]) => keys.map(crmEventType);

  const call = (token: string, method: string, path: string, body?: unknown) =>
    crm.request(method, `/api/v1/crm${path}`, { token, ...(body === undefined ? {} : { body }) });
  const owner = (method: string, path: string, body?: unknown) => call(crm.tokens.owner, method, path, body);
  const admin = (method: string, path: string, body?: unknown) => call(crm.tokens.admin, method, path, body);

  function expectEnvelope(event: CloudEvent, key: CrmEventKey, subject: string): Json {
    expect(event).toMatchObject({
      specversion: '1.0',
      source: CRM_EVENT_SOURCE,
      type: crmEventType(key),
      subject,
      datacontenttype: 'application/json',
    });
    return crmEventDataSchemas[key].parse(event.data) as Json;
  }

  it('clients: created, updated; an edit that changes nothing publishes nothing', async () => {
    let clientId = '';
    const created = await eventsOf(async () => {
      const response = await owner('POST', '/clients', { name: 'Событийный клиент', type: 'company' });
      clientId = String(response.body.id);
      return response;
    }, 201);
    expect(keysOf(created)).toEqual(types('client.created'));
    expect(expectEnvelope(created[0] as CloudEvent, 'client.created', clientId)).toMatchObject({
      clientId,
      name: 'Событийный клиент',
      type: 'company',
      ownerId: DEMO_CRM_USERS.sergey,
      actorId: DEMO_CRM_USERS.sergey,
    });
    const updated = await eventsOf(() => owner('PATCH', `/clients/${clientId}`, { status: 'prospect' }), 200);
    expect(keysOf(updated)).toEqual(types('client.updated'));
    expect(expectEnvelope(updated[0] as CloudEvent, 'client.updated', clientId)).toMatchObject({
      changes: { status: 'prospect' },
      previous: { status: 'active' },
    });
    expect(await eventsOf(() => owner('PATCH', `/clients/${clientId}`, { status: 'prospect' }), 200)).toEqual([]);
  });

  it('deals: created, updated, status changed (both in one PATCH), park, deleted', async () => {
    let deal = {} as Deal;
    const created = await eventsOf(async () => {
      const response = await owner('POST', '/deals', { clientId: C.C1, title: 'Событийная сделка', nextReviewAt: T });
      deal = response.body as unknown as Deal;
      return response;
    }, 201);
    expect(keysOf(created)).toEqual(types('deal.created'));
    expect(expectEnvelope(created[0] as CloudEvent, 'deal.created', deal.id)).toMatchObject({
      dealId: deal.id,
      clientId: C.C1,
      status: 'qualification',
      stage: 'qualification',
      ownerId: DEMO_CRM_USERS.sergey,
      nextReviewAt: T,
    });

    const renamed = await eventsOf(() => owner('PATCH', `/deals/${deal.id}`, { title: 'Переименована' }), 200);
    expect(keysOf(renamed)).toEqual(types('deal.updated'));
    expect(expectEnvelope(renamed[0] as CloudEvent, 'deal.updated', deal.id)).toMatchObject({
      changes: { title: 'Переименована' },
      previous: { title: 'Событийная сделка' },
      actorId: DEMO_CRM_USERS.sergey,
    });

    const both = await eventsOf(
      () => owner('PATCH', `/deals/${deal.id}`, { status: 'negotiation', nextReviewAt: daysFrom(T, 2) }),
      200,
    );
    expect(keysOf(both)).toEqual(types('deal.updated', 'deal.status.changed'));
    expect(expectEnvelope(both[1] as CloudEvent, 'deal.status.changed', deal.id)).toMatchObject({
      oldStatus: 'qualification',
      newStatus: 'in_progress',
      stage: 'negotiation',
    });

    const staged = await eventsOf(() => owner('PATCH', `/deals/${deal.id}/stage`, { stage: 'closedLost' }), 200);
    expect(keysOf(staged)).toEqual(types('deal.status.changed'));

    const parked = await eventsOf(() => owner('POST', `/deals/${D.D1}/park`), 200);
    expect(keysOf(parked)).toEqual(types('deal.updated'));
    expect(expectEnvelope(parked[0] as CloudEvent, 'deal.updated', D.D1)).toMatchObject({
      changes: { nextReviewAt: daysFrom(T, 304) },
      previous: { nextReviewAt: daysFrom(T, 6) },
    });
    expect(await eventsOf(() => owner('POST', `/deals/${D.D1}/park`), 200)).toEqual([]);

    const deleted = await eventsOf(() => admin('DELETE', `/deals/${deal.id}`), 204);
    expect(keysOf(deleted)).toEqual(types('deal.deleted'));
    expect(expectEnvelope(deleted[0] as CloudEvent, 'deal.deleted', deal.id)).toMatchObject({
      dealId: deal.id,
      actorId: DEMO_CRM_USERS.anna,
    });
  });

  it('journal and deal team', async () => {
    const appended = await eventsOf(() => owner('POST', `/deals/${D.D3}/journal`, { body: 'Позвонил клиенту' }), 201);
    expect(keysOf(appended)).toEqual(types('deal.journal.appended'));
    expect(expectEnvelope(appended[0] as CloudEvent, 'deal.journal.appended', D.D3)).toMatchObject({
      dealId: D.D3,
      authorId: DEMO_CRM_USERS.sergey,
      body: 'Позвонил клиенту',
    });
    const userId = randomUUID();
    const added = await eventsOf(() => owner('POST', `/deals/${D.D3}/participants`, { userId }), 201);
    expect(keysOf(added)).toEqual(types('deal.participant.added'));
    expect(expectEnvelope(added[0] as CloudEvent, 'deal.participant.added', D.D3)).toMatchObject({
      userId,
      addedById: DEMO_CRM_USERS.sergey,
    });
    const removed = await eventsOf(() => owner('DELETE', `/deals/${D.D3}/participants/${userId}`), 204);
    expect(keysOf(removed)).toEqual(types('deal.participant.removed'));
  });

  it('calculations: created, updated, each status, deleted; issuing from a ready one also confirms it', async () => {
    const base = `/deals/${D.D3}/calculations`;
    let id = '';
    const created = await eventsOf(async () => {
      const response = await call(crm.tokens.teamExecutor, 'POST', base, {
        insuranceCompany: 'ВСК',
        calculationDate: T,
        ownerId: DEMO_CRM_USERS.elena,
      });
      id = String(response.body.id);
      return response;
    }, 201);
    expect(keysOf(created)).toEqual(types('deal.calculation.created'));
    expect(expectEnvelope(created[0] as CloudEvent, 'deal.calculation.created', id)).toMatchObject({
      dealId: D.D3,
      calculationId: id,
      status: 'draft',
      insuranceCompany: 'ВСК',
      programName: null,
      premiumAmount: null,
      policyId: null,
    });
    const updated = await eventsOf(
      () =>
        owner('PATCH', `${base}/${id}`, {
          programName: 'Спецтехника',
          premiumAmount: '310000.00',
          validityPeriod: { start: T, end: daysFrom(T, 364) },
          files: ['vsk.pdf'],
        }),
      200,
    );
    expect(keysOf(updated)).toEqual(types('deal.calculation.updated'));
    expect(expectEnvelope(updated[0] as CloudEvent, 'deal.calculation.updated', id)).toMatchObject({
      premiumAmount: '310000.00',
    });
    for (const status of ['ready', 'confirmed', 'archived'] as const) {
      const moved = await eventsOf(() => owner('POST', `${base}/${id}/status`, { status }), 200);
      expect(keysOf(moved)).toEqual(types(`deal.calculation.status.${status}`));
      expect(expectEnvelope(moved[0] as CloudEvent, `deal.calculation.status.${status}`, id)).toMatchObject({ status });
    }
    const deleted = await eventsOf(() => owner('DELETE', `${base}/${id}`), 204);
    expect(keysOf(deleted)).toEqual(types('deal.calculation.deleted'));

    let readyId = '';
    await eventsOf(async () => {
      const response = await owner('POST', base, {
        insuranceCompany: 'Ингосстрах',
        programName: 'Спецтехника',
        premiumAmount: '290000.00',
        calculationDate: T,
        validityPeriod: { start: T, end: daysFrom(T, 364) },
        files: ['ingos.pdf'],
        ownerId: DEMO_CRM_USERS.elena,
      });
      readyId = String(response.body.id);
      return response;
    }, 201);
    await eventsOf(() => owner('POST', `${base}/${readyId}/status`, { status: 'ready' }), 200);
    let policy = {} as Policy;
    const issued = await eventsOf(async () => {
      const response = await owner('POST', `${base}/${readyId}/policy`, {
        policyNumber: `EV-${randomUUID().slice(0, 8)}`,
      });
      policy = response.body as unknown as Policy;
      return response;
    }, 201);
    expect(keysOf(issued)).toEqual(types('policy.created', 'deal.calculation.status.confirmed'));
    expect(expectEnvelope(issued[0] as CloudEvent, 'policy.created', policy.id)).toMatchObject({
      dealId: D.D3,
      clientId: C.C3,
      calculationId: readyId,
      status: 'draft',
    });
    expect(expectEnvelope(issued[1] as CloudEvent, 'deal.calculation.status.confirmed', readyId)).toMatchObject({
      policyId: policy.id,
    });
  });

  it('policies: created, updated', async () => {
    let policy = {} as Policy;
    const created = await eventsOf(async () => {
      const response = await owner('POST', '/policies', {
        clientId: C.C1,
        dealId: D.D1,
        policyNumber: `EV-${randomUUID().slice(0, 8)}`,
        ownerId: DEMO_CRM_USERS.sergey,
      });
      policy = response.body as unknown as Policy;
      return response;
    }, 201);
    expect(keysOf(created)).toEqual(types('policy.created'));
    const updated = await eventsOf(() => owner('PATCH', `/policies/${policy.id}`, { premium: '1000.00' }), 200);
    expect(keysOf(updated)).toEqual(types('policy.updated'));
    expect(expectEnvelope(updated[0] as CloudEvent, 'policy.updated', policy.id)).toMatchObject({
      dealId: D.D1,
      clientId: C.C1,
      changes: { premium: '1000.00' },
      previous: { premium: null },
    });
  });

  it('publishes nothing when a mutation fails', async () => {
    const failures: Array<[() => Promise<{ status: number }>, number]> = [
      [() => owner('POST', '/deals', { clientId: C.C1, title: 'Без даты' }), 400],
      [() => owner('POST', '/clients', { name: 'x'.repeat(10_240) }), 400],
      [() => owner('PATCH', `/deals/${D.D1}/stage`, { stage: 'closedLost' }), 409],
      [() => owner('PATCH', `/deals/${D.D3}`, { title: 'Устарело', version: 99 }), 409],
      [() => owner('PATCH', `/deals/${D.D2}`, { title: 'Чужая' }), 404],
      [() => call(crm.tokens.teamExecutor, 'PATCH', `/deals/${D.D1}`, { title: 'Не лид' }), 403],
      [() => owner('POST', `/deals/${D.D3}/park`), 409],
      [() => admin('DELETE', `/deals/${D.D5}`), 409],
      [() => owner('POST', `/deals/${D.D2}/journal`, { body: 'Чужая сделка' }), 404],
      [
        () =>
          owner('POST', '/policies', {
            clientId: C.C1,
            dealId: D.D1,
            policyNumber: 'CR-2024-0001',
            ownerId: DEMO_CRM_USERS.sergey,
          }),
        409,
      ],
      [() => owner('POST', `/deals/${D.D1}/participants`, { userId: DEMO_CRM_USERS.elena }), 409],
      [() => owner('DELETE', `/deals/${D.D1}/calculations/${DEMO_CRM_IDS.calculations.D1_INGOS}`), 409],
    ];
    for (const [action, status] of failures) expect(await eventsOf(action, status)).toEqual([]);
  });
});
