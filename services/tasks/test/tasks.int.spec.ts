import type { Task } from '@polis/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDeal,
  DEMO_CRM_IDS,
  EventRecorder,
  eventually,
  type Json,
  PEOPLE,
  type Person,
  startTasks,
  type TasksHarness,
} from './tasks-harness.js';

describe('tasks API: create, transitions, visibility', () => {
  let h: TasksHarness;
  const recorder = new EventRecorder();
  let dealId: string;

  beforeAll(async () => {
    h = await startTasks({ beforeStart: (backend) => recorder.bind(backend) });
    // The team: the executor who gets tasks and a seller-executor who only watches.
    dealId = await createDeal(h, { team: [PEOPLE.sellerExecutor] });
  });
  afterAll(async () => h?.close());

  const create = (person: Person, body: Json) =>
    h.request<Task & Json>('POST', '/api/v1/tasks', { token: h.tokens[person], body });
  const base = (extra: Json = {}) => ({
    subject: 'Подготовить расчёты',
    description: 'Запросить котировки у трёх страховщиков',
    assigneeId: PEOPLE.teamExecutor,
    context: { dealId },
    priority: 'high',
    ...extra,
  });
  const written = async () => ({
    tasks: await h.count('tasks'),
    outbox: await h.count('outbox'),
    activity: await h.count('task_activity'),
  });

  it('lets the deal lead task an executor, who then joins the deal team', async () => {
    const created = await create('owner', base({ dueDate: '2030-01-10' }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      title: 'Подготовить расчёты',
      statusCode: 'pending',
      statusName: 'Ожидает выполнения',
      assigneeId: PEOPLE.teamExecutor,
      authorId: PEOPLE.owner,
      dealId,
      clientId: expect.any(String),
      priority: 'high',
      dueAt: '2030-01-10T00:00:00.000Z',
    });
    const team = await h.crmRequest<Array<{ userId: string }>>('GET', `/api/v1/crm/deals/${dealId}/participants`, {
      token: h.tokens.owner,
    });
    expect(team.body.map((member) => member.userId)).toContain(PEOPLE.teamExecutor);
    const event = await eventually(async () =>
      recorder.ofType('tasks.task.created').find((e) => (e.data as Json).taskId === created.body.id),
    );
    expect(event.source).toBe('tasks.service');
    expect(event.data).toMatchObject({ subject: 'Подготовить расчёты', status: 'pending', context: { dealId } });
    const activity = await h.request<Json[]>('GET', `/api/v1/tasks/${created.body.id}/activity`, {
      token: h.tokens.owner,
    });
    expect(activity.body.map((entry) => entry.eventType)).toEqual(['created']);
  });

  it('answers 400 and writes nothing for bad input and unknown or invisible links', async () => {
    const before = await written();
    const cases: Array<[Person, Json, string]> = [
      ['owner', base({ subject: '   ' }), 'validation_error'],
      ['owner', base({ description: '' }), 'validation_error'],
      ['owner', base({ assigneeId: 'not-a-uuid' }), 'validation_error'],
      ['owner', base({ priority: 'urgent' }), 'validation_error'],
      ['owner', base({ dueDate: '2025-02-30' }), 'validation_error'],
      ['owner', base({ surprise: true }), 'validation_error'],
      ['owner', base({ context: { dealId: '0f0f0f0f-0000-4000-8000-000000000000' } }), 'task_deal_not_found'],
      ['otherAgent', base(), 'task_deal_not_found'],
      ['owner', base({ context: { policyId: '0f0f0f0f-0000-4000-8000-000000000001' } }), 'task_policy_not_found'],
      [
        'owner',
        base({ context: { dealId, paymentId: '0f0f0f0f-0000-4000-8000-000000000002' } }),
        'task_payment_not_found',
      ],
    ];
    for (const [person, body, code] of cases) {
      const response = await create(person, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body.code).toBe(code);
    }
    const bad = await h.request('POST', '/api/v1/tasks', { token: h.tokens.owner, rawBody: '{"subject":' });
    expect(bad.status).toBe(400);
    expect(await written()).toEqual(before);
  });

  it('accepts the origin snake_case names and defers a task with a future scheduledFor', async () => {
    const response = await create('owner', {
      subject: 'Позвонить клиенту',
      description: 'Уточнить список техники',
      assignee_id: PEOPLE.owner,
      due_date: '2030-02-01',
      scheduled_for: '2030-01-20T07:00:00Z',
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ statusCode: 'scheduled', scheduledFor: '2030-01-20T07:00:00.000Z' });
    expect(await h.backend.cache.zRangeByScore('tasks:delayed', 0, Number.MAX_SAFE_INTEGER)).toContainEqual({
      member: `a:${response.body.id}`,
      score: Date.parse('2030-01-20T07:00:00Z'),
    });
  });

  it('follows the transition table and records each change', async () => {
    const { body: task } = await create('owner', base());
    const patch = (person: Person, body: Json) =>
      h.request<Task & Json>('PATCH', `/api/v1/tasks/${task.id}`, { token: h.tokens[person], body });

    expect((await patch('owner', { status: 'in_progress' })).status).toBe(403);
    expect((await patch('teamExecutor', { status: 'in_progress' })).body.statusCode).toBe('in_progress');
    const back = await patch('teamExecutor', { status: 'pending' });
    expect(back.status).toBe(409);
    expect(back.body).toMatchObject({
      code: 'invalid_status_transition',
      details: { current: 'in_progress', next: 'pending' },
    });
    expect((await patch('teamExecutor', { status: 'cancelled', cancelledReason: 'x' })).status).toBe(403);
    const done = await h.request<Task & Json>('POST', `/api/v1/tasks/${task.id}/complete`, {
      token: h.tokens.teamExecutor,
      body: {},
    });
    expect(done.body).toMatchObject({ statusCode: 'completed', completedAt: expect.any(String) });
    for (const next of ['pending', 'in_progress', 'cancelled', 'scheduled']) {
      const response = await patch('admin', { status: next, cancelledReason: 'r', scheduledFor: '2031-01-01' });
      expect(response.status).toBe(409);
    }
    const final = await patch('owner', { dueDate: '2031-01-01' });
    expect(final.body.code).toBe('task_final');

    const changes = await eventually(async () => {
      const found = recorder
        .ofType('tasks.task.status_changed')
        .filter((event) => (event.data as Json).taskId === task.id);
      return found.length === 2 ? found : undefined;
    });
    expect(changes.map((event) => [(event.data as Json).oldStatus, (event.data as Json).newStatus])).toEqual([
      ['pending', 'in_progress'],
      ['in_progress', 'completed'],
    ]);
  });

  it('cancels only with a reason, which stays editable while cancelled', async () => {
    const { body: task } = await create('owner', base());
    const noReason = await h.request('PATCH', `/api/v1/tasks/${task.id}`, {
      token: h.tokens.owner,
      body: { status: 'cancelled' },
    });
    expect(noReason.status).toBe(409);
    expect(noReason.body.code).toBe('cancelled_reason_required');
    const blank = await h.request('POST', `/api/v1/tasks/${task.id}/cancel`, {
      token: h.tokens.owner,
      body: { reason: ' ' },
    });
    expect(blank.status).toBe(400);
    const cancelled = await h.request<Task>('POST', `/api/v1/tasks/${task.id}/cancel`, {
      token: h.tokens.owner,
      body: { reason: 'Клиент передумал' },
    });
    expect(cancelled.body).toMatchObject({ statusCode: 'cancelled', cancelledReason: 'Клиент передумал' });
    const edited = await h.request<Task>('PATCH', `/api/v1/tasks/${task.id}`, {
      token: h.tokens.owner,
      body: { cancelledReason: 'Клиент застраховался в банке' },
    });
    expect(edited.body.cancelledReason).toBe('Клиент застраховался в банке');
  });

  it('schedules (author), re-activates (assignee), and lets only the author reassign', async () => {
    const { body: task } = await create('owner', base());
    const missing = await h.request('POST', `/api/v1/tasks/${task.id}/schedule`, { token: h.tokens.owner, body: {} });
    expect(missing.body.code).toBe('scheduled_for_required');
    expect(
      (
        await h.request('POST', `/api/v1/tasks/${task.id}/schedule`, {
          token: h.tokens.teamExecutor,
          body: { scheduledFor: '2030-05-01' },
        })
      ).status,
    ).toBe(403);
    const scheduled = await h.request<Task>('POST', `/api/v1/tasks/${task.id}/schedule`, {
      token: h.tokens.owner,
      body: { scheduledFor: '2030-05-01' },
    });
    expect(scheduled.body).toMatchObject({ statusCode: 'scheduled', scheduledFor: '2030-05-01T00:00:00.000Z' });
    const resumed = await h.request<Task>('PATCH', `/api/v1/tasks/${task.id}`, {
      token: h.tokens.teamExecutor,
      body: { status: 'in_progress' },
    });
    expect(resumed.body).toMatchObject({ statusCode: 'in_progress', scheduledFor: null });

    for (const assigneeId of [PEOPLE.owner, PEOPLE.outsideExecutor]) {
      const denied = await h.request('PATCH', `/api/v1/tasks/${task.id}`, {
        token: h.tokens.teamExecutor,
        body: { assigneeId },
      });
      expect(denied.status).toBe(403);
    }
    const reassigned = await h.request<Task>('PATCH', `/api/v1/tasks/${task.id}`, {
      token: h.tokens.owner,
      body: { assigneeId: PEOPLE.sellerExecutor, dueDate: '2030-06-01' },
    });
    expect(reassigned.body.assigneeId).toBe(PEOPLE.sellerExecutor);
    const activity = await h.request<Json[]>('GET', `/api/v1/tasks/${task.id}/activity`, { token: h.tokens.owner });
    expect(activity.body.map((entry) => entry.eventType)).toEqual([
      'created',
      'status_changed',
      'status_changed',
      'assignee_changed',
      'due_changed',
    ]);
    expect(activity.body[3]?.payload).toEqual({ from: PEOPLE.teamExecutor, to: PEOPLE.sellerExecutor });
    await eventually(async () =>
      recorder.ofType('tasks.task.assigned').find((event) => (event.data as Json).taskId === task.id),
    );
  });

  it('keeps reminders unique per (time, channel) and in the future', async () => {
    const { body: task } = await create('owner', base());
    const add = (body: Json) =>
      h.request<Json>('POST', `/api/v1/tasks/${task.id}/reminders`, { token: h.tokens.teamExecutor, body });
    const first = await add({ remindAt: '2030-03-01T06:00:00Z' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      taskId: task.id,
      channel: 'sse',
      remindAt: '2030-03-01T06:00:00.000Z',
      firedAt: null,
    });
    expect((await add({ remindAt: '2030-03-01T06:00:00Z', channel: 'telegram' })).status).toBe(201);
    const duplicate = await add({ remindAt: '2030-03-01T09:00:00+03:00' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.code).toBe('reminder_exists');
    expect((await add({ remindAt: '2001-01-01T00:00:00Z' })).body.code).toBe('remind_at_in_past');
    expect((await add({ remindAt: '2030-03-01', channel: 'email' })).status).toBe(400);
    const list = await h.request<Json[]>('GET', `/api/v1/tasks/${task.id}/reminders`, { token: h.tokens.owner });
    expect(list.body).toHaveLength(2);
  });

  it('applies the visibility matrix to every route and role', async () => {
    const { body: task } = await create('owner', base());
    const { body: reminder } = await h.request<Json>('POST', `/api/v1/tasks/${task.id}/reminders`, {
      token: h.tokens.owner,
      body: { remindAt: '2030-04-01T06:00:00Z' },
    });
    const routes: Array<[string, string, Json | undefined]> = [
      ['GET', `/api/v1/tasks/${task.id}`, undefined],
      ['PATCH', `/api/v1/tasks/${task.id}`, { priority: 'low' }],
      ['POST', `/api/v1/tasks/${task.id}/schedule`, { scheduledFor: '2030-07-01' }],
      ['POST', `/api/v1/tasks/${task.id}/complete`, {}],
      ['POST', `/api/v1/tasks/${task.id}/cancel`, { reason: 'r' }],
      ['GET', `/api/v1/tasks/${task.id}/activity`, undefined],
      ['GET', `/api/v1/tasks/${task.id}/comments`, undefined],
      ['POST', `/api/v1/tasks/${task.id}/comments`, { body: 'hi' }],
      ['GET', `/api/v1/tasks/${task.id}/reminders`, undefined],
      ['POST', `/api/v1/tasks/${task.id}/reminders`, { remindAt: '2030-04-02T06:00:00Z' }],
      ['DELETE', `/api/v1/tasks/${task.id}/reminders/${reminder.id}`, undefined],
    ];
    // Outsiders: no route reveals the task.
    for (const person of ['otherAgent', 'outsideExecutor'] as const) {
      for (const [method, path, body] of routes) {
        const response = await h.request(method, path, { token: h.tokens[person], ...(body ? { body } : {}) });
        expect(response.status, `${person} ${method} ${path}`).toBe(404);
        expect(response.body.code).toBe('task_not_found');
      }
      const list = await h.request<Task[]>('GET', '/api/v1/tasks', { token: h.tokens[person] });
      expect(list.body.map((t) => t.id)).not.toContain(task.id);
    }
    // The watching team member sees and comments, but may not change the task.
    const watcher = h.tokens.sellerExecutor;
    for (const [method, path, body] of routes) {
      const response = await h.request(method, path, { token: watcher, ...(body ? { body } : {}) });
      const expected =
        method === 'GET'
          ? 200
          : path.endsWith('/comments') || path.endsWith('/reminders')
            ? 201
            : method === 'DELETE'
              ? 204
              : 403;
      expect(response.status, `watcher ${method} ${path}`).toBe(expected);
    }
    expect((await h.request('GET', '/api/v1/tasks', { token: h.tokens.sellerExecutor })).status).toBe(200);
    // Assignee, author and admin see it in their lists; no token is 401.
    for (const person of ['teamExecutor', 'owner', 'admin'] as const) {
      const list = await h.request<Task[]>('GET', `/api/v1/tasks?limit=200`, { token: h.tokens[person] });
      expect(
        list.body.map((t) => t.id),
        person,
      ).toContain(task.id);
    }
    expect((await h.request('GET', '/api/v1/tasks')).status).toBe(401);
    expect((await h.request('GET', '/api/v1/tasks/not-a-uuid', { token: h.tokens.admin })).status).toBe(400);
  });

  it('learns the team of a deal it never heard of from CRM when a task is set on it', async () => {
    const { body: task } = await create(
      'owner',
      base({ assigneeId: PEOPLE.owner, context: { dealId: DEMO_CRM_IDS.deals.D3 } }),
    );
    expect(task.dealId).toBe(DEMO_CRM_IDS.deals.D3);
    expect((await h.request('GET', `/api/v1/tasks/${task.id}`, { token: h.tokens.teamExecutor })).status).toBe(200);
    expect((await h.request('GET', `/api/v1/tasks/${task.id}`, { token: h.tokens.otherAgent })).status).toBe(404);
  });

  it('lists by due date (nulls last) with filters', async () => {
    const mine = (
      await h.request<Task[]>(
        'GET',
        `/api/v1/tasks?assigneeId=${PEOPLE.teamExecutor}&status=pending&status=in_progress&limit=200`,
        { token: h.tokens.admin },
      )
    ).body;
    expect(mine.length).toBeGreaterThan(0);
    expect(
      mine.every((t) => t.assigneeId === PEOPLE.teamExecutor && ['pending', 'in_progress'].includes(t.statusCode)),
    ).toBe(true);
    const all = (await h.request<Task[]>('GET', '/api/v1/tasks?limit=200', { token: h.tokens.admin })).body;
    const dues = all.map((t) => t.dueAt);
    const firstNull = dues.indexOf(null);
    expect(firstNull === -1 || dues.slice(firstNull).every((d) => d === null)).toBe(true);
    const dated = dues.filter((d): d is string => d !== null);
    expect([...dated].sort()).toEqual(dated);
    const bounded = (
      await h.request<Task[]>('GET', '/api/v1/tasks?dueAfter=2030-01-09&dueBefore=2030-01-11', {
        token: h.tokens.admin,
      })
    ).body;
    expect(bounded.every((t) => t.dueAt === '2030-01-10T00:00:00.000Z')).toBe(true);
    expect((await h.request('GET', '/api/v1/tasks?status=done', { token: h.tokens.admin })).status).toBe(400);
    expect((await h.request('GET', '/api/v1/tasks?limit=500', { token: h.tokens.admin })).status).toBe(400);
  });

  it('enforces the same visibility in the database (row-level security as tasks_app)', async () => {
    const rows = await h.backend.db.transaction(async (tx) => {
      await tx.execute(
        (await import('drizzle-orm'))
          .sql`select set_config('app.user_id', ${PEOPLE.otherAgent}, true), set_config('app.roles', 'ROLE_SALES_AGENT', true), set_config('role', 'tasks_app', true)`,
      );
      return tx.execute(
        (await import('drizzle-orm')).sql`select count(*)::int as n from tasks.tasks where deal_id = ${dealId}`,
      );
    });
    const list = (Array.isArray(rows) ? rows : (rows as { rows: Json[] }).rows) as Array<{ n: number }>;
    expect(list[0]?.n).toBe(0);
  });
});
