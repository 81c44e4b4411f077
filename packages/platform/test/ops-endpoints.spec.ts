import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningService, startService } from '../src/index.js';
import { memoryLogger, TestAppModule } from './fixtures.js';

/** The sample lines of `metric` that carry every one of `labels`, whatever their order. */
function series(text: string, metric: string, labels: string[]): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${metric}{`) && labels.every((label) => line.includes(label)));
}

describe('ops endpoints, request ids and request logs', () => {
  const log = memoryLogger('ops-test');
  const dependencies = { db: true, bus: true };
  let service: RunningService;

  beforeAll(async () => {
    service = await startService({
      name: 'ops-test',
      module: TestAppModule.with(),
      port: 0,
      host: '127.0.0.1',
      logger: log.logger,
      readinessTimeoutMs: 50,
      readiness: {
        db: async () => {
          if (!dependencies.db) throw new Error('connection refused');
        },
        bus: async () => {
          if (!dependencies.bus) await new Promise(() => {});
        },
      },
    });
  });

  afterAll(async () => {
    await service?.close();
  });

  it('answers /health without asking any dependency', async () => {
    dependencies.db = false;
    try {
      const response = await service.app.inject({ method: 'GET', url: '/health' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ok', service: 'ops-test' });
    } finally {
      dependencies.db = true;
    }
  });

  it('answers /ready 200 in Terminus shape when every check passes', async () => {
    const response = await service.app.inject({ method: 'GET', url: '/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'ok',
      info: { db: { status: 'up' }, bus: { status: 'up' } },
      error: {},
      details: { db: { status: 'up' }, bus: { status: 'up' } },
    });
  });

  it('answers /ready 503 naming the failing and the hanging dependency', async () => {
    dependencies.db = false;
    dependencies.bus = false;
    try {
      const response = await service.app.inject({ method: 'GET', url: '/ready' });
      expect(response.statusCode).toBe(503);
      const body = response.json() as { status: string; error: Record<string, { status: string; message: string }> };
      expect(body.status).toBe('error');
      expect(body.error.db).toEqual({ status: 'down', message: 'connection refused' });
      expect(body.error.bus?.status).toBe('down');
      expect(body.error.bus?.message).toMatch(/no answer within 50 ms/);
    } finally {
      dependencies.db = true;
      dependencies.bus = true;
    }
  });

  it('exposes process metrics and the HTTP histogram labelled by route pattern', async () => {
    await service.app.inject({ method: 'GET', url: '/api/v1/things/42' });
    await service.app.inject({ method: 'GET', url: '/definitely/not/here' });
    const response = await service.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    const text = response.body;
    expect(series(text, 'process_cpu_user_seconds_total', ['service="ops-test"'])).toHaveLength(1);
    const counts = series(text, 'http_request_duration_seconds_count', [
      'service="ops-test"',
      'method="GET"',
      'route="/api/v1/things/:id"',
      'status_code="200"',
    ]);
    expect(counts).toEqual([expect.stringMatching(/ 1$/)]);
    expect(
      series(text, 'http_request_duration_seconds_count', ['route="unmatched"', 'status_code="404"']),
    ).toHaveLength(1);
    expect(text).not.toContain('/api/v1/things/42');
  });

  it('keeps a sane X-Request-Id, makes it current in the handler and echoes it', async () => {
    const response = await service.app.inject({
      method: 'GET',
      url: '/api/v1/things/7',
      headers: { 'x-request-id': 'abc-123_4.5' },
    });
    expect(response.headers['x-request-id']).toBe('abc-123_4.5');
    expect(response.json()).toEqual({ id: '7', requestId: 'abc-123_4.5' });
  });

  it('replaces a missing or unsafe X-Request-Id with a fresh UUID', async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const missing = await service.app.inject({ method: 'GET', url: '/api/v1/things/7' });
    const unsafe = await service.app.inject({
      method: 'GET',
      url: '/api/v1/things/7',
      headers: { 'x-request-id': 'evil\u001b[31m id' },
    });
    const tooLong = await service.app.inject({
      method: 'GET',
      url: '/api/v1/things/7',
      headers: { 'x-request-id': 'a'.repeat(129) },
    });
    for (const response of [missing, unsafe, tooLong]) {
      const id = response.headers['x-request-id'];
      expect(id).toMatch(uuid);
      expect((response.json() as { requestId: string }).requestId).toBe(id);
    }
    expect(missing.headers['x-request-id']).not.toBe(unsafe.headers['x-request-id']);
  });

  it('keeps the request id current after the body was read', async () => {
    const response = await service.app.inject({
      method: 'POST',
      url: '/api/v1/things',
      headers: { 'x-request-id': 'post-with-body' },
      payload: { name: 'box', size: 3 },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ name: 'box', size: 3, requestId: 'post-with-body' });
  });

  it('logs one completion line per request, with the user set by the auth guard', async () => {
    await service.app.inject({
      method: 'GET',
      url: '/api/v1/things/9',
      headers: { 'x-request-id': 'log-line-1', 'x-test-user': 'user-77' },
    });
    const lines = log.records().filter((r) => r.request_id === 'log-line-1');
    const completion = lines.filter((r) => r.msg === 'request completed');
    expect(completion).toHaveLength(1);
    expect(completion[0]).toMatchObject({
      level: 'info',
      service: 'ops-test',
      method: 'GET',
      route: '/api/v1/things/:id',
      status: 200,
      user_id: 'user-77',
    });
    expect(typeof completion[0]?.duration_ms).toBe('number');
    expect(typeof completion[0]?.env).toBe('string');
    expect(typeof completion[0]?.version).toBe('string');
    // A line the handler logs through the injected LOGGER carries the request and user ids too.
    expect(lines.find((r) => r.msg === 'thing read')).toMatchObject({ thing: '9', user_id: 'user-77' });
  });

  it('logs the ops endpoints at debug level only', async () => {
    await service.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'probe-1' } });
    const line = log.records().find((r) => r.request_id === 'probe-1' && r.msg === 'request completed');
    expect(line).toMatchObject({ level: 'debug', route: '/health' });
  });

  it('serves the ops endpoints over real HTTP at the service root', async () => {
    const health = await fetch(`${service.url}/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-request-id')).toBeTruthy();
    const metrics = await fetch(`${service.url}/metrics`);
    expect(await metrics.text()).toContain('http_request_duration_seconds');
  });
});
