import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningService, startService } from '../src/index.js';
import { memoryLogger, TestAppModule } from './fixtures.js';

describe('problem+json responses', () => {
  const log = memoryLogger('errors-test');
  let service: RunningService;

  beforeAll(async () => {
    service = await startService({
      name: 'errors-test',
      module: TestAppModule.with(),
      port: 0,
      host: '127.0.0.1',
      logger: log.logger,
      bodyLimitBytes: 1024,
    });
  });

  afterAll(async () => {
    await service?.close();
  });

  async function get(path: string) {
    const response = await service.app.inject({
      method: 'GET',
      url: path,
      headers: { 'x-request-id': 'req-errors-1' },
    });
    return { response, body: response.json() as Record<string, unknown> };
  }

  it.each([
    ['invalid', 400, 'validation_error', 'Size must be positive.'],
    ['unauthorized', 401, 'token_expired', 'The token has expired.'],
    ['forbidden', 403, 'forbidden', 'Only the deal owner may do this.'],
    ['conflict', 409, 'invalid_transition', 'The deal cannot move from won to new.'],
    ['gone', 410, 'link_expired', 'The link has expired.'],
    ['rate-limited', 429, 'rate_limited', 'Too many requests; try again later.'],
    ['unavailable', 503, 'upstream_unavailable', 'The database does not answer.'],
    ['nest-forbidden', 403, 'forbidden', 'Nest says no'],
  ])('renders a %s error as problem+json', async (kind, status, code, detail) => {
    const { response, body } = await get(`/api/v1/failures/${kind}`);
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['x-request-id']).toBe('req-errors-1');
    expect(body).toMatchObject({
      type: `https://polis.dev/problems/${code}`,
      status,
      code,
      detail,
      instance: `/api/v1/failures/${kind}`,
      traceId: 'req-errors-1',
    });
    expect(typeof body.title).toBe('string');
  });

  it('carries field errors, details and the headers a domain error asks for', async () => {
    const invalid = await get('/api/v1/failures/invalid');
    expect(invalid.body.errors).toEqual([{ field: 'size', message: 'must be positive' }]);

    const conflict = await get('/api/v1/failures/conflict');
    expect(conflict.body.details).toEqual({ current: 'won', next: 'new' });
    expect(conflict.body).not.toHaveProperty('errors');

    const limited = await get('/api/v1/failures/rate-limited');
    expect(limited.response.headers['retry-after']).toBe('30');
    expect(limited.body.details).toEqual({ retryAfter: 30 });

    const unauthorized = await get('/api/v1/failures/unauthorized');
    expect(unauthorized.response.headers['www-authenticate']).toBe('Bearer');
  });

  it('answers a thrown plain Error with a generic 500 and logs it with its stack', async () => {
    const { response, body } = await get('/api/v1/failures/boom');
    expect(response.statusCode).toBe(500);
    expect(body).toMatchObject({ status: 500, code: 'internal_error', traceId: 'req-errors-1' });
    expect(response.body).not.toContain('hunter2');
    expect(response.body).not.toContain('ECONNREFUSED');
    const logged = log.records().find((r) => r.msg === 'unexpected error while handling a request');
    expect(logged).toBeDefined();
    expect(JSON.stringify(logged)).toContain('    at ');
    expect(logged?.request_id).toBe('req-errors-1');
  });

  it('answers an unknown route with 404 not_found', async () => {
    const { response, body } = await get('/api/v1/nowhere?x=1');
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(body).toMatchObject({ code: 'not_found', status: 404, instance: '/api/v1/nowhere' });
  });

  it('answers a domain NotFound with its own code', async () => {
    const { response, body } = await get('/api/v1/things/missing');
    expect(response.statusCode).toBe(404);
    expect(body.code).toBe('thing_not_found');
  });

  it('answers an invalid body with 400 validation_error naming each field', async () => {
    const response = await service.app.inject({
      method: 'POST',
      url: '/api/v1/things',
      payload: { name: '', size: -1 },
    });
    expect(response.statusCode).toBe(400);
    const body = response.json() as { code: string; errors: Array<{ field: string }> };
    expect(body.code).toBe('validation_error');
    expect(body.errors.map((e) => e.field).sort()).toEqual(['name', 'size']);
  });

  it('answers a malformed JSON body with 400 "Malformed JSON body"', async () => {
    const response = await service.app.inject({
      method: 'POST',
      url: '/api/v1/things',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-json' },
      payload: '{"name": "oops",',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['x-request-id']).toBe('req-json');
    expect(response.json()).toMatchObject({
      code: 'validation_error',
      detail: 'Malformed JSON body',
      instance: '/api/v1/things',
      traceId: 'req-json',
    });
  });

  it('answers a body over the limit with 413 payload_too_large', async () => {
    const response = await service.app.inject({
      method: 'POST',
      url: '/api/v1/things',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(2048), size: 1 }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  it('answers an unsupported content type with 415 unsupported_media_type', async () => {
    const response = await service.app.inject({
      method: 'POST',
      url: '/api/v1/things',
      headers: { 'content-type': 'application/xml' },
      payload: '<thing/>',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ status: 415, code: 'unsupported_media_type' });
  });

  it('renders an error thrown by a Nest middleware', async () => {
    const response = await service.app.inject({
      method: 'GET',
      url: '/api/v1/things/1',
      headers: { 'x-block': '1', 'x-request-id': 'req-middleware' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['x-request-id']).toBe('req-middleware');
    expect(response.json()).toMatchObject({
      code: 'blocked',
      detail: 'Blocked by middleware.',
      instance: '/api/v1/things/1',
      traceId: 'req-middleware',
    });
  });

  it('answers over real HTTP the same way', async () => {
    const response = await fetch(`${service.url}/api/v1/failures/conflict`);
    expect(response.status).toBe(409);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ code: 'invalid_transition' });
  });
});
