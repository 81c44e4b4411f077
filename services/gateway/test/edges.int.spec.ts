import { createHmac } from 'node:crypto';
import { buildOpenApi, type OpenApiDocument, registerWithConsul } from '@polis/platform';
import { ConsulFake } from '@polis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RunningGatewayService } from '../src/index.js';
import { type GatewayHarness, startHarness, type TestUser } from './support/gateway-harness.js';
import { type ReceivedRequest, TestUpstream } from './support/test-upstream.js';

const money = z.string().regex(/^\d+\.\d{2}$/);

function serveDocument(upstream: TestUpstream, document: unknown): void {
  upstream.on('GET', '/docs/openapi.json', (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(document));
  });
}

describe('docs, Telegram webhook, Consul discovery, health', () => {
  const crm = new TestUpstream('crm');
  const documents = new TestUpstream('documents');
  const bot = new TestUpstream('telegram-bot');
  let h: GatewayHarness;
  let user: TestUser;

  beforeAll(async () => {
    await Promise.all([crm.start(), documents.start(), bot.start()]);
    const crmDocument = buildOpenApi({
      title: 'crm',
      version: '1.0.0',
      routes: [
        {
          method: 'GET',
          path: '/api/v1/crm/deals/:dealId',
          summary: 'One deal',
          tags: ['deals'],
          responses: { 200: { description: 'The deal', schema: z.object({ amount: money }) } },
        },
        { method: 'GET', path: '/internal/v1/streams/deals', summary: 'Deal stream', auth: 'service', responses: {} },
      ],
    });
    crmDocument.components.schemas = {
      ...crmDocument.components.schemas,
      Money: { type: 'string', pattern: '^\\d+\\.\\d{2}$' },
    };
    const documentsDocument = buildOpenApi({
      title: 'documents',
      version: '1.0.0',
      routes: [
        {
          method: 'POST',
          path: '/api/v1/folders',
          summary: 'Create a folder',
          responses: { 201: { description: 'Created' } },
        },
      ],
    });
    documentsDocument.components.schemas = {
      ...documentsDocument.components.schemas,
      Money: { type: 'object', properties: { amount: { type: 'string' } } },
    };
    documentsDocument.paths['/api/v1/folders']!.post!.responses['201']!.content = {
      'application/json': { schema: { $ref: '#/components/schemas/Money' } },
    };
    serveDocument(crm, crmDocument);
    serveDocument(documents, documentsDocument);
    h = await startHarness({
      upstreams: {
        crm: { baseUrl: crm.url },
        documents: { baseUrl: documents.url },
        tasks: { baseUrl: 'http://127.0.0.1:9' },
      },
    });
    user = await h.createUser();
  });

  afterAll(async () => {
    await h?.close();
    await Promise.all([crm.close(), documents.close(), bot.close()]);
  });

  describe('OpenAPI', () => {
    let document: OpenApiDocument;

    beforeAll(async () => {
      const response = await fetch(`${h.url}/api/v1/docs/openapi.json`);
      expect(response.status).toBe(200);
      document = (await response.json()) as OpenApiDocument;
    });

    it('merges the reachable services into one 3.1 document, tagged per service', () => {
      expect(document.openapi).toBe('3.1.0');
      expect(Object.keys(document.paths).sort()).toEqual(
        [
          '/api/v1/crm/deals/{dealId}',
          '/api/v1/docs/openapi.json',
          '/api/v1/folders',
          '/api/v1/health',
          '/api/v1/streams/deals',
          '/api/v1/streams/heartbeat',
          '/api/v1/streams/notifications',
          '/api/v1/streams/tasks',
          '/api/v1/telegram/webhook',
        ].sort(),
      );
      expect(document.tags?.map((tag) => tag.name)).toEqual(['gateway', 'crm', 'documents']);
      expect(document.paths['/api/v1/crm/deals/{dealId}']?.get).toMatchObject({ tags: ['crm'], 'x-tags': ['deals'] });
      expect(document.paths['/api/v1/folders']?.post?.tags).toEqual(['documents']);
      expect(document.paths['/api/v1/health']?.get?.tags).toEqual(['gateway']);
    });

    it('keeps internal routes out', () => {
      expect(Object.keys(document.paths).some((path) => path.includes('internal'))).toBe(false);
    });

    it('merges components, renaming one that two services define differently', () => {
      const schemas = document.components.schemas ?? {};
      expect(schemas.ProblemDetails).toBeDefined();
      expect(schemas.Money).toEqual({ type: 'string', pattern: '^\\d+\\.\\d{2}$' });
      expect(schemas.DocumentsMoney).toEqual({ type: 'object', properties: { amount: { type: 'string' } } });
      expect(document.paths['/api/v1/folders']?.post?.responses['201']?.content?.['application/json']?.schema).toEqual({
        $ref: '#/components/schemas/DocumentsMoney',
      });
      expect(document.components.securitySchemes?.bearerAuth).toBeDefined();
    });

    it('names the services it could not include', () => {
      expect(document.info.description).toContain('merged from: gateway, crm, documents');
      expect(document.info.description).toMatch(/could not be reached: .*auth \(answered 404\)/);
      expect(document.info.description).toMatch(/tasks \(ECONNREFUSED\)/);
    });

    it('serves Swagger UI on the same document, without a token', async () => {
      for (const path of ['/api/v1/docs', '/api/v1/docs/']) {
        const page = await fetch(`${h.url}${path}`);
        expect(page.status, path).toBe(200);
        expect(page.headers.get('content-type')).toContain('text/html');
      }
      const json = await fetch(`${h.url}/api/v1/docs/json`);
      expect(Object.keys(((await json.json()) as OpenApiDocument).paths)).toContain('/api/v1/folders');
      const initializer = await fetch(`${h.url}/api/v1/docs/static/swagger-initializer.js`);
      expect(initializer.status).toBe(200);
    });

    it('also serves its own routes at the service root, like every service', async () => {
      const own = (await (await fetch(`${h.url}/docs/openapi.json`)).json()) as OpenApiDocument;
      expect(Object.keys(own.paths)).toContain('/api/v1/streams/deals');
    });
  });

  describe('Telegram webhook', () => {
    const update = JSON.stringify({ update_id: 42, message: { text: '/start 123456' } });
    const send = (url: string, secret?: string, headers: Record<string, string> = {}) =>
      fetch(`${url}/api/v1/telegram/webhook`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(secret === undefined ? {} : { 'x-telegram-bot-api-secret-token': secret }),
          ...headers,
        },
        body: update,
      });
    let configured: RunningGatewayService;
    let botless: RunningGatewayService;

    beforeAll(async () => {
      configured = await h.startGateway(
        { TELEGRAM_BOT_WEBHOOK_SECRET: 'wh-secret-1', GATEWAY_WEBHOOK_RATE_LIMIT_PER_SECOND: '1000' },
        { 'telegram-bot': { baseUrl: bot.url } },
      );
      botless = await h.startGateway({ TELEGRAM_BOT_WEBHOOK_SECRET: 'wh-secret-1' });
    });

    it('refuses every update while no secret is configured', async () => {
      const response = await send(h.url, 'anything');
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ code: 'forbidden' });
    });

    it('refuses a missing or wrong secret token', async () => {
      expect((await send(configured.url)).status).toBe(403);
      expect((await send(configured.url, 'wh-secret-2')).status).toBe(403);
      expect((await send(configured.url, 'wh-secret-1x')).status).toBe(403);
      expect(bot.requests).toHaveLength(0);
    });

    it('forwards the raw update to the bot, signed, and answers 200', async () => {
      const response = await send(configured.url, 'wh-secret-1');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ ok: true });
      const received = bot.requests.at(-1) as ReceivedRequest;
      expect(received).toMatchObject({ method: 'POST', url: '/internal/v1/telegram/updates', body: update });
      expect(received.headers['x-telegram-signature']).toBe(
        createHmac('sha256', 'wh-secret-1').update(update).digest('hex'),
      );
      expect(received.headers['x-telegram-bot-api-secret-token']).toBeUndefined();
    });

    it('answers 503 upstream_unavailable while the bot is not deployed', async () => {
      const response = await send(botless.url, 'wh-secret-1');
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ code: 'upstream_unavailable' });
    });

    it('rate-limits updates per source address', async () => {
      const strict = await h.startGateway(
        {
          TELEGRAM_BOT_WEBHOOK_SECRET: 'wh-secret-1',
          GATEWAY_WEBHOOK_RATE_LIMIT_PER_SECOND: '1',
          GATEWAY_TRUST_PROXY: 'true',
        },
        { 'telegram-bot': { baseUrl: bot.url } },
      );
      // Counters are shared by every replica: an address of its own keeps this test's count apart.
      const source = { 'x-forwarded-for': '149.154.167.220' };
      const statuses = (await Promise.all([1, 2, 3, 4].map(() => send(strict.url, 'wh-secret-1', source)))).map(
        (r) => r.status,
      );
      expect(statuses).toContain(429);
      expect(statuses).toContain(200);
    });
  });

  describe('Consul discovery', () => {
    const consul = new ConsulFake();
    const replicas = [new TestUpstream('crm-a'), new TestUpstream('crm-b'), new TestUpstream('crm-sick')];
    let discovered: RunningGatewayService;

    beforeAll(async () => {
      await consul.start();
      await Promise.all(replicas.map((replica) => replica.start()));
      for (const replica of replicas) {
        await registerWithConsul({
          consulUrl: consul.url,
          name: 'crm-service',
          id: replica.name,
          address: '127.0.0.1',
          port: Number(new URL(replica.url).port),
          checkPath: '/health',
        });
      }
      consul.failing.add('crm-sick');
      await registerWithConsul({
        consulUrl: consul.url,
        name: 'auth-service',
        id: 'auth-1',
        address: '127.0.0.1',
        port: Number(new URL(h.auth.url).port),
        checkPath: '/health',
      });
      discovered = await h.startGateway({
        CONSUL_HTTP_ADDR: consul.url,
        CONSUL_HTTP_TOKEN: 'consul-acl',
        GATEWAY_UPSTREAMS: 'crm',
        GATEWAY_DISCOVERY_CACHE_MS: '0',
      });
    });

    afterAll(async () => {
      await Promise.all(replicas.map((replica) => replica.close()));
      await consul.close();
    });

    const get = () =>
      fetch(`${discovered.url}/api/v1/crm/deals`, { headers: { authorization: `Bearer ${user.tokens.accessToken}` } });

    it('round-robins across the healthy replicas and skips the failing one', async () => {
      const served: string[] = [];
      for (let i = 0; i < 6; i++) {
        const response = await get();
        expect(response.status).toBe(200);
        served.push(((await response.json()) as { upstream: string }).upstream);
      }
      expect(served.filter((name) => name === 'crm-a')).toHaveLength(3);
      expect(served.filter((name) => name === 'crm-b')).toHaveLength(3);
      expect(served).not.toContain('crm-sick');
      expect(
        consul.calls.some((call) => call.path === '/v1/health/service/crm-service' && call.token === 'consul-acl'),
      ).toBe(true);
    });

    it('routes Auth through Consul too', async () => {
      const me = await fetch(`${discovered.url}/api/v1/auth/me`, {
        headers: { authorization: `Bearer ${user.tokens.accessToken}` },
      });
      expect(me.status).toBe(200);
    });

    it('follows health changes, and answers 503 when no replica is healthy', async () => {
      consul.failing.add('crm-b');
      const names = [];
      for (let i = 0; i < 3; i++) names.push(((await (await get()).json()) as { upstream: string }).upstream);
      expect(names).toEqual(['crm-a', 'crm-a', 'crm-a']);

      consul.failing.add('crm-a');
      const none = await get();
      expect(none.status).toBe(503);
      expect(await none.json()).toMatchObject({ code: 'upstream_unavailable' });
      consul.failing.delete('crm-a');
      consul.failing.delete('crm-b');
    });

    it('registers itself and reports Consul in its public health', async () => {
      expect([...consul.services.values()].some((service) => service.Name === 'gateway-service')).toBe(true);
      const health = await fetch(`${discovered.url}/api/v1/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({
        status: 'ok',
        details: { redis: { status: 'up' }, consul: { status: 'up' } },
      });
    });
  });

  describe('health', () => {
    it('answers the public health with Redis up and Consul disabled', async () => {
      const response = await fetch(`${h.url}/api/v1/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        status: 'ok',
        info: { redis: { status: 'up' }, consul: { status: 'up', disabled: true } },
        error: {},
        details: { redis: { status: 'up' }, consul: { status: 'up', disabled: true } },
      });
    });

    it('is ready when the cache and Auth answer', async () => {
      const response = await fetch(`${h.url}/ready`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        status: 'ok',
        details: { cache: { status: 'up' }, auth: { status: 'up' } },
      });
    });

    it('is not ready while Auth is unreachable', async () => {
      const orphan = await h.startGateway({ GATEWAY_UPSTREAM_AUTH_BASE_URL: 'http://127.0.0.1:9' });
      const response = await fetch(`${orphan.url}/ready`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: 'error', error: { auth: { status: 'down' } } });
    });
  });
});
