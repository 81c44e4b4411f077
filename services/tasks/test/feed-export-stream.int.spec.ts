import type { CalendarToken, Task } from '@polis/contracts';
import { createGatewayService, loadGatewayConfig, type RunningGatewayService } from '@polis/gateway';
import { createLogger } from '@polis/platform';
import { SseClient } from '@polis/testing';
import ExcelJS from 'exceljs';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeal, type Json, PEOPLE, type Person, startTasks, type TasksHarness } from './tasks-harness.js';

describe('calendar feed, exports, the tasks stream and the Gateway', () => {
  let h: TasksHarness;
  let gateway: RunningGatewayService;
  let dealId: string;
  const readers: SseClient[] = [];

  beforeAll(async () => {
    h = await startTasks();
    dealId = await createDeal(h);
    gateway = await createGatewayService({
      config: loadGatewayConfig({
        GATEWAY_UPSTREAM_AUTH_BASE_URL: h.auth.url,
        AUTH_JWT_ISSUER: 'http://auth.test',
        SESSION_SECRET: 'tasks-gateway-test-secret-0123456789',
        GATEWAY_RATE_LIMIT_PER_MINUTE: '100000',
        GATEWAY_UPSTREAM_SSE_RECONNECT_DELAY: '50',
      }),
      upstreams: { crm: { baseUrl: h.crm.url }, tasks: { baseUrl: h.tasks.url } },
      cache: h.backend.cache,
      logger: createLogger({ service: 'gateway-test', level: process.env.LOG_LEVEL ?? 'silent' }),
      port: 0,
      host: '127.0.0.1',
    });
  });
  afterAll(async () => {
    await Promise.all(readers.map((reader) => reader.close()));
    await gateway?.close();
    await h?.close();
  });

  const create = async (person: Person, body: Json) => {
    const response = await h.request<Task>('POST', '/api/v1/tasks', {
      token: h.tokens[person],
      body: { description: 'Описание', ...body },
    });
    expect(response.status).toBe(201);
    return response.body;
  };
  const summaries = (ics: string) =>
    new ICAL.Component(ICAL.parse(ics) as unknown[])
      .getAllSubcomponents('vevent')
      .map((event) => new ICAL.Event(event).summary);
  const feed = (query: string, token?: string) =>
    fetch(
      `${h.tasks.url}/api/v1/tasks/calendar.ics${query}`,
      token ? { headers: { authorization: `Bearer ${token}` } } : {},
    );

  it('serves an iCalendar feed by JWT or by a revocable feed token', async () => {
    await create('owner', {
      subject: 'Встреча с клиентом',
      assigneeId: PEOPLE.teamExecutor,
      dueDate: '2030-03-03T10:00:00Z',
      context: { dealId },
    });
    await create('owner', {
      subject: 'Сдать отчёт',
      assigneeId: PEOPLE.teamExecutor,
      dueDate: '2030-03-05',
      context: { dealId },
    });
    await create('owner', { subject: 'Чужая задача', assigneeId: PEOPLE.owner, dueDate: '2030-03-05' });

    const byJwt = await feed('', h.tokens.teamExecutor);
    expect(byJwt.status).toBe(200);
    expect(byJwt.headers.get('content-type')).toMatch(/^text\/calendar/);
    const text = await byJwt.text();
    expect(summaries(text).sort()).toEqual(['Встреча с клиентом', 'Сдать отчёт']);
    const allDay = new ICAL.Component(ICAL.parse(text) as unknown[])
      .getAllSubcomponents('vevent')
      .map((event) => new ICAL.Event(event))
      .find((event) => event.summary === 'Сдать отчёт');
    expect(allDay?.startDate.isDate).toBe(true);

    expect((await feed('')).status).toBe(401);
    expect((await feed('?token=nonsense')).status).toBe(401);
    expect((await h.request('GET', '/api/v1/tasks/calendar/token', { token: h.tokens.teamExecutor })).status).toBe(204);

    const issued = await h.request<CalendarToken>('POST', '/api/v1/tasks/calendar/token', {
      token: h.tokens.teamExecutor,
    });
    expect(issued.status).toBe(201);
    expect(issued.body.url).toBe(`http://gateway.test/api/v1/tasks/calendar.ics?token=${issued.body.token}`);
    const [stored] = await h.sql<{ token_hash: string }>(
      'select token_hash from tasks.calendar_feed_tokens where user_id = $1',
      [PEOPLE.teamExecutor],
    );
    expect(stored?.token_hash).not.toContain(issued.body.token);
    const byToken = await feed(`?token=${issued.body.token}`);
    expect(byToken.status).toBe(200);
    expect(summaries(await byToken.text())).toHaveLength(2);
    expect(
      (await h.request('GET', '/api/v1/tasks/calendar/token', { token: h.tokens.teamExecutor })).body,
    ).toMatchObject({ createdAt: expect.any(String) });

    const rotated = await h.request<CalendarToken>('POST', '/api/v1/tasks/calendar/token', {
      token: h.tokens.teamExecutor,
    });
    expect((await feed(`?token=${issued.body.token}`)).status).toBe(401);
    expect((await feed(`?token=${rotated.body.token}`)).status).toBe(200);
    expect((await h.request('DELETE', '/api/v1/tasks/calendar/token', { token: h.tokens.teamExecutor })).status).toBe(
      204,
    );
    const revoked = await feed(`?token=${rotated.body.token}`);
    expect(revoked.status).toBe(401);
    expect(((await revoked.json()) as Json).code).toBe('invalid_token');
  });

  it('exports the filtered list as ;-separated CSV with a BOM, and as XLSX', async () => {
    const visible = (
      await h.request<Task[]>('GET', `/api/v1/tasks?assigneeId=${PEOPLE.teamExecutor}&limit=200`, {
        token: h.tokens.owner,
      })
    ).body;
    expect(visible.length).toBeGreaterThan(0);
    const csv = await fetch(`${h.tasks.url}/api/v1/tasks/export?format=csv&assigneeId=${PEOPLE.teamExecutor}`, {
      headers: { authorization: `Bearer ${h.tokens.owner}` },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="tasks-\d{4}-\d{2}-\d{2}\.csv"/);
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).trim().split('\n');
    expect(lines[0]?.split(';').slice(0, 3)).toEqual(['id', 'title', 'status']);
    expect(lines.slice(1).map((line) => line.split(';')[0])).toEqual(visible.map((task) => task.id));

    const xlsx = await fetch(`${h.tasks.url}/api/v1/tasks/export?format=xlsx&assigneeId=${PEOPLE.teamExecutor}`, {
      headers: { authorization: `Bearer ${h.tokens.owner}` },
    });
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    const sheet = workbook.getWorksheet('Tasks');
    expect(sheet?.rowCount).toBe(visible.length + 1);
    expect(sheet?.getRow(2).getCell(1).value).toBe(visible[0]?.id);

    // An outsider's export holds none of them; bad filters are 400.
    const outsider = await fetch(`${h.tasks.url}/api/v1/tasks/export?format=csv&assigneeId=${PEOPLE.teamExecutor}`, {
      headers: { authorization: `Bearer ${h.tokens.outsideExecutor}` },
    });
    expect(
      new TextDecoder()
        .decode(new Uint8Array(await outsider.arrayBuffer()).slice(3))
        .trim()
        .split('\n'),
    ).toHaveLength(1);
    const bad = await fetch(`${h.tasks.url}/api/v1/tasks/export?format=pdf`, {
      headers: { authorization: `Bearer ${h.tokens.owner}` },
    });
    expect(bad.status).toBe(400);
  });

  it('streams task events to those who may see the task, with replay after Last-Event-ID', async () => {
    const path = '/internal/v1/streams/tasks';
    const executor = await SseClient.open(h.tasks.url, path, { token: h.tokens.teamExecutor });
    const outsider = await SseClient.open(h.tasks.url, path, { token: h.tokens.outsideExecutor });
    readers.push(executor, outsider);
    expect(executor.status).toBe(200);
    await executor.waitFor((frames) => frames.some((frame) => frame.retry !== undefined));
    await outsider.waitFor((frames) => frames.some((frame) => frame.retry !== undefined));

    const mine = await create('owner', { subject: 'Для Елены', assigneeId: PEOPLE.teamExecutor, context: { dealId } });
    const notMine = await create('otherAgent', { subject: 'Не для Елены', assigneeId: PEOPLE.otherAgent });
    await executor.waitFor(() => executor.dataOf('task.created').some((event) => event.taskId === mine.id));
    await h.request('PATCH', `/api/v1/tasks/${mine.id}`, {
      token: h.tokens.teamExecutor,
      body: { status: 'in_progress' },
    });
    await executor.waitFor(() => executor.dataOf('task.status.changed').some((event) => event.taskId === mine.id));
    expect(executor.dataOf('task.created').map((event) => event.taskId)).not.toContain(notMine.id);
    expect(outsider.dataOf('task.created').map((event) => event.taskId)).not.toContain(mine.id);

    const first = executor.dataOf('task.created').find((event) => event.taskId === mine.id);
    const resumed = await SseClient.open(h.tasks.url, path, {
      token: h.tokens.teamExecutor,
      ...(first?._id ? { lastEventId: first._id } : {}),
    });
    readers.push(resumed);
    await resumed.waitFor(() => resumed.dataOf('task.status.changed').some((event) => event.taskId === mine.id));
    expect(resumed.dataOf('task.created').map((event) => event.taskId)).not.toContain(mine.id);
    expect(
      (await SseClient.open(h.tasks.url, path, { token: h.tokens.teamExecutor, lastEventId: 'yesterday' })).status,
    ).toBe(400);
  });

  it('serves the task routes and the stream through the Gateway', async () => {
    const via = async <T = Json>(method: string, path: string, token: string, body?: unknown) => {
      const response = await fetch(`${gateway.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
    };
    const created = await via<Task>('POST', '/api/v1/tasks', h.tokens.owner, {
      subject: 'Через шлюз',
      description: 'Проверка маршрута',
      assigneeId: PEOPLE.teamExecutor,
      context: { dealId },
    });
    expect(created.status).toBe(201);
    expect((await via('GET', `/api/v1/tasks/${created.body.id}`, h.tokens.teamExecutor)).status).toBe(200);
    const hidden = await via('GET', `/api/v1/tasks/${created.body.id}`, h.tokens.outsideExecutor);
    expect(hidden.status).toBe(404);
    expect(hidden.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await via('POST', `/api/v1/tasks/${created.body.id}/complete`, h.tokens.teamExecutor, {})).status).toBe(
      200,
    );
    expect((await via('GET', '/internal/v1/streams/tasks', h.tokens.admin)).status).toBe(404);
    const ics = await fetch(`${gateway.url}/api/v1/tasks/calendar.ics`, {
      headers: { authorization: `Bearer ${h.tokens.teamExecutor}` },
    });
    expect(ics.status).toBe(200);
    expect(summaries(await ics.text())).toContain('Встреча с клиентом');

    const stream = await SseClient.open(gateway.url, '/api/v1/streams/tasks', { token: h.tokens.teamExecutor });
    readers.push(stream);
    expect(stream.status).toBe(200);
    await stream.waitFor((frames) => frames.some((frame) => frame.retry !== undefined));
    const next = await via<Task>('POST', '/api/v1/tasks', h.tokens.owner, {
      subject: 'Поток через шлюз',
      description: 'SSE',
      assigneeId: PEOPLE.teamExecutor,
      context: { dealId },
    });
    await stream.waitFor(() => stream.dataOf('task.created').some((event) => event.taskId === next.body.id));
  });
});
