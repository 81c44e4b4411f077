import { randomUUID } from 'node:crypto';
import type { Deal } from '@polis/contracts';
import { SseClient, type SseFrame } from '@polis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CRM_IDS, DEMO_CRM_USERS } from '../src/index.js';
import { type CrmHarness, eventually, PEOPLE, type Person, startCrm } from './crm-harness.js';

const { deals: D, clients: C } = DEMO_CRM_IDS;
const STREAM = '/internal/v1/streams/deals';

describe('the deals SSE stream', () => {
  let crm: CrmHarness;
  const open: SseClient[] = [];

  beforeAll(async () => {
    crm = await startCrm();
  });

  afterAll(async () => {
    await Promise.all(open.map((client) => client.close()));
    await crm?.close();
  });

  async function subscribe(person: Person | 'anonymous', options: { lastEventId?: string; query?: string } = {}) {
    const client = await SseClient.open(crm.url, STREAM, {
      ...(person === 'anonymous' ? {} : { token: crm.tokens[person] }),
      ...options,
    });
    open.push(client);
    // The retry hint comes once the stream has settled where it starts.
    if (client.status === 200) await client.waitFor((frames) => frames.some((frame) => frame.retry !== undefined));
    return client;
  }

  /** Waits until the note is in the replay log (the relay appends after the broker confirms). */
  async function logged(body: string): Promise<void> {
    await eventually(async () =>
      (await crm.crm.replayLog.read(null, 10_000)).some((entry) => entry.data.body === body) ? true : undefined,
    );
  }

  /** Appends a journal entry as `person`; the note text marks the frame. */
  async function note(person: Person, dealId: string, body: string): Promise<void> {
    const response = await crm.request('POST', `/api/v1/crm/deals/${dealId}/journal`, {
      token: crm.tokens[person],
      body: { body },
    });
    expect(response.status).toBe(201);
  }

  const bodyOf = (frame: SseFrame) => (frame.data ? (JSON.parse(frame.data) as { body?: string }).body : undefined);
  const notes = (frames: SseFrame[]) =>
    frames.filter((frame) => frame.event === 'deal.journal.appended').map((frame) => bodyOf(frame));
  /** The notes received before the one marked `sentinel` (the stream is ordered, so nothing else comes later). */
  async function notesBefore(client: SseClient, sentinel: string): Promise<Array<string | undefined>> {
    const frames = await client.waitFor((received) => notes(received).includes(sentinel));
    const all = notes(frames);
    return all.slice(0, all.indexOf(sentinel));
  }

  it('refuses anonymous and forged callers', async () => {
    expect((await subscribe('anonymous')).status).toBe(401);
    const forged = await SseClient.open(crm.url, STREAM, { token: 'not.a.jwt' });
    expect(forged.status).toBe(401);
  });

  it('delivers a change by one user to a subscribed teammate and the admin, not to outsiders', async () => {
    const teammate = await subscribe('teamExecutor');
    const outsider = await subscribe('outsideExecutor');
    const otherAgent = await subscribe('otherAgent');
    const admin = await subscribe('admin');
    expect([teammate.status, outsider.status, otherAgent.status, admin.status]).toEqual([200, 200, 200, 200]);

    await note('owner', D.D1, 'Документы по автопарку получены');
    const received = await teammate.waitFor((frames) => notes(frames).includes('Документы по автопарку получены'));
    const frame = received.find((candidate) => bodyOf(candidate) === 'Документы по автопарку получены') as SseFrame;
    expect(frame.id).toMatch(/^\d+-\d+$/);
    expect(JSON.parse(frame.data ?? '{}')).toMatchObject({ dealId: D.D1, authorId: DEMO_CRM_USERS.sergey });
    await admin.waitFor((frames) => notes(frames).includes('Документы по автопарку получены'));

    // Sentinels each outsider may see: everything before them has been decided.
    await note('otherAgent', D.D2, 'маяк для Ольги');
    expect(await notesBefore(otherAgent, 'маяк для Ольги')).toEqual([]);
    const deal = await crm.request<Deal>('POST', '/api/v1/crm/deals', {
      token: crm.tokens.owner,
      body: { clientId: C.C3, title: 'Для маяка', nextReviewAt: crm.today },
    });
    await crm.request('POST', `/api/v1/crm/deals/${deal.body.id}/participants`, {
      token: crm.tokens.owner,
      body: { userId: PEOPLE.outsideExecutor },
    });
    await note('owner', deal.body.id, 'маяк для Ивана');
    expect(await notesBefore(outsider, 'маяк для Ивана')).toEqual([]);
    // Visibility is decided when a frame goes out: the new deal's events may reach Иван, D1's never.
    expect(outsider.events().filter((event) => event.data?.includes(D.D1))).toEqual([]);
  });

  it('stops delivering a deal to someone removed from its team', async () => {
    const deal = await crm.request<Deal>('POST', '/api/v1/crm/deals', {
      token: crm.tokens.owner,
      body: { clientId: C.C1, title: 'Временная команда', nextReviewAt: crm.today },
    });
    const dealId = deal.body.id;
    await crm.request('POST', `/api/v1/crm/deals/${dealId}/participants`, {
      token: crm.tokens.owner,
      body: { userId: DEMO_CRM_USERS.olga },
    });
    const olga = await subscribe('otherAgent');
    await note('owner', dealId, 'пока в команде');
    await olga.waitFor((frames) => notes(frames).includes('пока в команде'));
    const removed = await crm.request('DELETE', `/api/v1/crm/deals/${dealId}/participants/${DEMO_CRM_USERS.olga}`, {
      token: crm.tokens.owner,
    });
    expect(removed.status).toBe(204);
    await note('owner', dealId, 'уже не в команде');
    await note('otherAgent', D.D2, 'маяк после удаления');
    expect(await notesBefore(olga, 'маяк после удаления')).toEqual(['пока в команде']);
  });

  it('replays exactly the missed visible frames after Last-Event-ID, then tails', async () => {
    const first = await subscribe('teamExecutor');
    await note('owner', D.D1, 'до разрыва');
    const frames = await first.waitFor((received) => notes(received).includes('до разрыва'));
    const lastSeen = frames.find((frame) => bodyOf(frame) === 'до разрыва')?.id as string;
    await first.close();

    await note('owner', D.D1, 'пропущено 1');
    await note('otherAgent', D.D6, 'невидимо для Елены');
    await note('owner', D.D3, 'пропущено 2');

    const resumed = await subscribe('teamExecutor', { lastEventId: lastSeen });
    await note('owner', D.D1, 'после возврата');
    expect(await notesBefore(resumed, 'после возврата')).toEqual(['пропущено 1', 'пропущено 2']);
    const ids = resumed.events().map((frame) => frame.id as string);
    expect([...ids].sort(compareIds)).toEqual(ids);
    expect(ids.every((id) => compareIds(id, lastSeen) > 0)).toBe(true);

    const viaQuery = await subscribe('teamExecutor', { query: `lastEventId=${encodeURIComponent(lastSeen)}` });
    await viaQuery.waitFor((received) => notes(received).includes('после возврата'));
    expect(notes(viaQuery.frames).slice(0, 3)).toEqual(['пропущено 1', 'пропущено 2', 'после возврата']);
  });

  it('answers reset when the id is older than the log keeps, then goes on from now', async () => {
    await note('owner', D.D1, 'чтобы журнал не был пуст');
    await logged('чтобы журнал не был пуст');
    const client = await subscribe('owner', { lastEventId: '1-0' });
    await client.waitFor((frames) => frames.some((frame) => frame.event === 'reset'));
    expect(client.events()[0]).toMatchObject({
      event: 'reset',
      data: JSON.stringify({ reason: 'replay_unavailable' }),
    });
    await note('owner', D.D1, 'после сброса');
    expect(await notesBefore(client, 'после сброса')).toEqual([]);
  });

  it('answers on the crm alias too', async () => {
    const alias = await SseClient.open(crm.url, '/internal/v1/streams/crm', { token: crm.tokens.owner });
    open.push(alias);
    expect(alias.status).toBe(200);
  });

  it('sends keep-alive comments', async () => {
    const client = await subscribe('owner');
    await client.waitFor((frames) => frames.some((frame) => frame.comment === 'ping'));
  });

  it('carries client events to those who see the client', async () => {
    const olga = await subscribe('otherAgent');
    const owner = await subscribe('owner');
    const created = await crm.request('POST', '/api/v1/crm/clients', {
      token: crm.tokens.owner,
      body: { name: `Клиент ${randomUUID().slice(0, 4)}` },
    });
    await owner.waitFor((frames) =>
      frames.some((frame) => frame.event === 'client.created' && frame.data?.includes(String(created.body.id))),
    );
    await note('otherAgent', D.D2, 'маяк клиента');
    await olga.waitFor((frames) => notes(frames).includes('маяк клиента'));
    expect(olga.events().some((frame) => frame.event === 'client.created')).toBe(false);
  });
});

function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}
