import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { eventually } from '@polis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ORIGIN, type GatewayHarness, startHarness, type TestUser } from './support/gateway-harness.js';
import type { ReceivedRequest } from './support/test-upstream.js';
import { TestUpstream } from './support/test-upstream.js';

interface Echo extends ReceivedRequest {
  upstream: string;
}

/** node:http, because fetch refuses to send hop-by-hop headers at all. */
function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

describe('proxying: routing, header hygiene, failures, limits', () => {
  const crm = new TestUpstream('crm');
  const documents = new TestUpstream('documents');
  const audit = new TestUpstream('audit');
  const slow = new TestUpstream('tasks');
  let h: GatewayHarness;
  let user: TestUser;
  let bearer: Record<string, string>;

  beforeAll(async () => {
    await Promise.all([crm.start(), documents.start(), audit.start(), slow.start()]);
    crm
      .on('GET', '/api/v1/crm/redirect', (_request, response) => {
        response.writeHead(302, { location: `${crm.url}/api/v1/crm/deals/42?tab=files` });
        response.end();
      })
      .on('GET', '/api/v1/crm/elsewhere', (_request, response) => {
        response.writeHead(303, { location: 'https://files.example.com/signed?sig=abc' });
        response.end();
      })
      .on('POST', '/api/v1/crm/conflict', (request, response) => {
        request.resume();
        response.writeHead(409, { 'content-type': 'application/problem+json', 'x-upstream': 'crm' });
        response.end(
          JSON.stringify({ type: 'x', title: 'Conflict', status: 409, code: 'deal_conflict', detail: 'no' }),
        );
      })
      .on('GET', '/api/v1/crm/hop', (_request, response) => {
        response.writeHead(200, {
          'content-type': 'text/plain',
          'keep-alive': 'timeout=5',
          'access-control-allow-origin': '*',
          'x-kept': 'yes',
        });
        response.end('ok');
      });
    documents.on('PUT', '/api/v1/documents/slow/content', (request, response) => {
      request.resume();
      const timer = setTimeout(() => response.end('stored'), 1500);
      response.on('close', () => clearTimeout(timer));
    });
    slow.on('GET', '/api/v1/tasks/slow', (_request, response) => {
      const timer = setTimeout(() => response.end('late'), 2000);
      response.on('close', () => clearTimeout(timer));
    });
    h = await startHarness({
      env: {
        GATEWAY_UPSTREAM_TASKS_TIMEOUT: '150',
        GATEWAY_UPSTREAM_DOCUMENTS_TIMEOUT: '1000',
        GATEWAY_BODY_LIMIT_MB: '1',
      },
      upstreams: {
        crm: { baseUrl: crm.url },
        documents: { baseUrl: documents.url },
        audit: { baseUrl: audit.url },
        tasks: { baseUrl: slow.url },
        // Nothing listens there: connection refused.
        reports: { baseUrl: 'http://127.0.0.1:9' },
      },
    });
    user = await h.createUser();
    bearer = { authorization: `Bearer ${user.tokens.accessToken}` };
  });

  afterAll(async () => {
    await h?.close();
    await Promise.all([crm.close(), documents.close(), audit.close(), slow.close()]);
  });

  it('routes each prefix to its service without rewriting the path or query', async () => {
    const deals = await fetch(`${h.url}/api/v1/crm/deals?status=open&k=a&k=b`, { headers: bearer });
    expect(deals.status).toBe(200);
    expect(await deals.json()).toMatchObject({
      upstream: 'crm',
      method: 'GET',
      url: '/api/v1/crm/deals?status=open&k=a&k=b',
    });

    const folder = await fetch(`${h.url}/api/v1/folders/deal/7`, { method: 'DELETE', headers: bearer });
    expect(await folder.json()).toMatchObject({
      upstream: 'documents',
      method: 'DELETE',
      url: '/api/v1/folders/deal/7',
    });

    const me = await fetch(`${h.url}/api/v1/auth/me`, { headers: bearer });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: user.id, email: user.email });
  });

  it('copies the JSON body and method', async () => {
    const response = await fetch(`${h.url}/api/v1/crm/deals`, {
      method: 'PATCH',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Fleet policy' }),
    });
    const echo = (await response.json()) as Echo;
    expect(echo).toMatchObject({ method: 'PATCH', body: '{"title":"Fleet policy"}' });
    expect(echo.headers['content-type']).toBe('application/json');
  });

  it('answers 404 for prefixes nobody owns, unconfigured services and every internal route', async () => {
    for (const path of ['/api/v1/nothing/here', '/api/v1/notifications/1', '/api/v1/internal/v1/auth/service-token']) {
      const response = await fetch(`${h.url}${path}`, { headers: bearer });
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(((await response.json()) as { code: string }).code).toBe('not_found');
    }
    const internal = await fetch(`${h.url}/internal/v1/auth/service-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(internal.status).toBe(404);
    expect(crm.requests.some((r) => r.url.includes('internal'))).toBe(false);
  });

  it('drops hop-by-hop headers, strips X-User-*, and adds request id, trace context and X-Forwarded-For', async () => {
    const response = await rawRequest(`${h.url}/api/v1/crm/headers`, {
      headers: {
        connection: 'keep-alive, x-drop-me',
        'keep-alive': 'timeout=5',
        'x-drop-me': 'listed in Connection',
        'proxy-authorization': 'Basic Zm9vOmJhcg==',
        te: 'trailers',
        'x-user-id': '00000000-0000-0000-0000-000000000000',
        'X-User-Roles': 'ROLE_ADMIN',
        'x-request-id': 'client-request-7',
        'x-forwarded-for': '203.0.113.9',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        'x-custom': 'kept',
        ...bearer,
      },
    });
    expect(response.status).toBe(200);
    const echo = JSON.parse(response.body) as Echo;
    for (const dropped of ['keep-alive', 'x-drop-me', 'proxy-authorization', 'te', 'x-user-id', 'x-user-roles']) {
      expect(echo.headers[dropped], dropped).toBeUndefined();
    }
    expect(echo.headers['x-custom']).toBe('kept');
    expect(echo.headers.authorization).toBe(`Bearer ${user.tokens.accessToken}`);
    expect(echo.headers['x-request-id']).toBe('client-request-7');
    expect(response.headers['x-request-id']).toBe('client-request-7');
    // The Gateway does not trust a client's X-Forwarded-For: the upstream sees the real peer.
    expect(echo.headers['x-forwarded-for']).toBe('127.0.0.1');
    // Same trace, a new span of the Gateway.
    expect(echo.headers.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(echo.headers.traceparent).not.toContain('00f067aa0ba902b7');
    expect(echo.headers['x-trace-id']).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('behind a trusted ingress, forwards only the client address the ingress appended, never a forged chain', async () => {
    const behindIngress = await h.startGateway({ GATEWAY_TRUST_PROXY: 'true' }, { crm: { baseUrl: crm.url } });
    try {
      const response = await rawRequest(`${behindIngress.url}/api/v1/crm/headers`, {
        headers: { 'x-forwarded-for': '6.6.6.6, 198.51.100.23', ...bearer },
      });
      expect(response.status).toBe(200);
      const echo = JSON.parse(response.body) as Echo;
      expect(echo.headers['x-forwarded-for']).toBe('198.51.100.23');
    } finally {
      await behindIngress.close();
    }
  });

  it('starts a trace when the client sends none, and generates a request id', async () => {
    const response = await fetch(`${h.url}/api/v1/crm/deals`, { headers: bearer });
    const echo = (await response.json()) as Echo;
    expect(echo.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(echo.headers['x-request-id']).toBe(response.headers.get('x-request-id'));
  });

  it('drops hop-by-hop and CORS headers from the upstream answer, keeps the rest', async () => {
    const response = await rawRequest(`${h.url}/api/v1/crm/hop`, { headers: bearer });
    expect(response.body).toBe('ok');
    expect(response.headers['keep-alive']).not.toBe('timeout=5');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(response.headers['x-kept']).toBe('yes');
  });

  it('rewrites a Location pointing at the upstream to the public origin, and leaves other hosts alone', async () => {
    const redirect = await fetch(`${h.url}/api/v1/crm/redirect`, { headers: bearer, redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('https://api.polis.test/api/v1/crm/deals/42?tab=files');

    const elsewhere = await fetch(`${h.url}/api/v1/crm/elsewhere`, { headers: bearer, redirect: 'manual' });
    expect(elsewhere.headers.get('location')).toBe('https://files.example.com/signed?sig=abc');
  });

  it('passes upstream problem+json errors through unchanged', async () => {
    const response = await fetch(`${h.url}/api/v1/crm/conflict`, { method: 'POST', headers: bearer });
    expect(response.status).toBe(409);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('x-upstream')).toBe('crm');
    expect(await response.json()).toEqual({
      type: 'x',
      title: 'Conflict',
      status: 409,
      code: 'deal_conflict',
      detail: 'no',
    });
  });

  it('answers 503 upstream_unavailable when the upstream refuses connections', async () => {
    const response = await fetch(`${h.url}/api/v1/reports/sales`, {
      headers: { authorization: `Bearer ${await h.adminToken()}` },
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 503, code: 'upstream_unavailable' });
  });

  it('answers 504 upstream_timeout when the upstream is slower than its timeout', async () => {
    const response = await fetch(`${h.url}/api/v1/tasks/slow`, { headers: bearer });
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ status: 504, code: 'upstream_timeout' });
  });

  it('requires a token and says why when it is missing or bad', async () => {
    const missing = await fetch(`${h.url}/api/v1/crm/deals`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(await missing.json()).toMatchObject({ code: 'unauthorized' });

    const garbage = await fetch(`${h.url}/api/v1/crm/deals`, { headers: { authorization: 'Bearer not.a.jwt' } });
    expect(garbage.status).toBe(401);
    expect(await garbage.json()).toMatchObject({ code: 'invalid_token' });

    const basic = await fetch(`${h.url}/api/v1/crm/deals`, { headers: { authorization: 'Basic Zm9vOmJhcg==' } });
    expect(await basic.json()).toMatchObject({ code: 'invalid_token' });
    expect(crm.requests.some((r) => r.headers.authorization === 'Basic Zm9vOmJhcg==')).toBe(false);
  });

  it('lets only administrators reach audit', async () => {
    const refused = await fetch(`${h.url}/api/v1/audit/events`, { headers: bearer });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'forbidden' });
    const admin = await fetch(`${h.url}/api/v1/audit/events`, {
      headers: { authorization: `Bearer ${await h.adminToken()}` },
    });
    expect(admin.status).toBe(200);
    expect(await admin.json()).toMatchObject({ upstream: 'audit', url: '/api/v1/audit/events' });
  });

  it('refuses JSON bodies over GATEWAY_BODY_LIMIT_MB with 413, declared or streamed', async () => {
    const big = 'x'.repeat(1024 * 1024 + 10);
    const declared = await fetch(`${h.url}/api/v1/crm/deals`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ big }),
    });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ code: 'payload_too_large' });

    const before = crm.requests.length;
    const chunked = await fetch(`${h.url}/api/v1/crm/deals`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 24; i++) controller.enqueue(new TextEncoder().encode('y'.repeat(64 * 1024)));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await chunked.json()).toMatchObject({ code: 'payload_too_large' });
    expect(crm.requests.slice(before).every((r) => r.bodyBytes <= 1024 * 1024)).toBe(true);
  });

  it('streams a 20 MB document upload through without holding it: the upstream has most of it before the client is done', async () => {
    const total = 20 * 1024 * 1024;
    const chunk = new Uint8Array(256 * 1024).map((_, i) => i % 251);
    const hash = createHash('sha256');
    let sent = 0;
    documents.bytesReceived = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent >= total) {
          controller.close();
          return;
        }
        // Halfway, wait until the upstream has received most of what was sent: a Gateway that
        // buffered the whole body first would never let this happen (the test would time out).
        if (sent === total / 2)
          await eventually(
            async () => (documents.bytesReceived >= total / 2 - 2 * 1024 * 1024 ? true : undefined),
            10_000,
          );
        hash.update(chunk);
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${h.url}/api/v1/documents/7c1d/content?token=t&expires=1`, {
      method: 'PUT',
      headers: { ...bearer, 'content-type': 'application/octet-stream' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(200);
    const echo = (await response.json()) as Echo;
    expect(echo).toMatchObject({
      upstream: 'documents',
      method: 'PUT',
      bodyBytes: total,
      bodySha256: hash.digest('hex'),
    });
    expect(echo.url).toBe('/api/v1/documents/7c1d/content?token=t&expires=1');
  });

  it('lets a link that carries its own token through without a session; without the token it needs one', async () => {
    const download = await fetch(`${h.url}/api/v1/documents/7c1d/content?token=t&expires=1&kid=k1`);
    expect(download.status).toBe(200);
    expect(await download.json()).toMatchObject({ upstream: 'documents', method: 'GET' });
    const feed = await fetch(`${h.url}/api/v1/tasks/calendar.ics?token=feed`);
    expect(feed.status).toBe(200);
    expect(await feed.json()).toMatchObject({ upstream: 'tasks', url: '/api/v1/tasks/calendar.ics?token=feed' });

    expect((await fetch(`${h.url}/api/v1/documents/7c1d/content`)).status).toBe(401);
    expect((await fetch(`${h.url}/api/v1/tasks/calendar.ics`)).status).toBe(401);
    expect((await fetch(`${h.url}/api/v1/documents/7c1d?token=t`)).status).toBe(401);
  });

  it('gives uploads their own timeout: a slow store is not cut off at the route timeout', async () => {
    const response = await fetch(`${h.url}/api/v1/documents/slow/content?token=t`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: 'x'.repeat(1024),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('stored');
  });

  it('answers CORS preflights for the web app origin only, with credentials', async () => {
    const allowed = await fetch(`${h.url}/api/v1/crm/deals`, {
      method: 'OPTIONS',
      headers: {
        origin: APP_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-csrf-token',
      },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('X-CSRF-Token');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('Last-Event-ID');
    expect(allowed.headers.get('access-control-allow-methods')).toContain('PATCH');

    const refused = await fetch(`${h.url}/api/v1/crm/deals`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();

    const actual = await fetch(`${h.url}/api/v1/crm/deals`, { headers: { ...bearer, origin: APP_ORIGIN } });
    expect(actual.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(actual.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
    expect(actual.headers.get('vary')).toContain('Origin');
  });

  it('counts upstream calls in its metrics', async () => {
    const text = await (await fetch(`${h.url}/metrics`)).text();
    expect(text).toMatch(/gateway_upstream_requests_total\{[^}]*upstream="crm"[^}]*status_code="200"[^}]*\} [1-9]/);
    expect(text).toMatch(/gateway_upstream_requests_total\{[^}]*upstream="reports"[^}]*status_code="503"/);
    expect(text).toMatch(/gateway_upstream_duration_seconds_count\{[^}]*upstream="crm"/);
  });
});
