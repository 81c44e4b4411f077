import { eventually } from '@polis/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGatewayService } from '../src/index.js';
import { type GatewayHarness, startHarness, type TestUser } from './support/gateway-harness.js';
import { SseClient } from './support/sse-client.js';
import { SseUpstream } from './support/sse-upstream.js';

const SSE_ENV = {
  GATEWAY_UPSTREAM_SSE_HEARTBEAT_INTERVAL: '60',
  GATEWAY_UPSTREAM_SSE_RECONNECT_DELAY: '40',
  GATEWAY_SSE_MAX_STREAMS_PER_USER: '3',
};

describe('SSE relay', () => {
  const upstream = new SseUpstream();
  const clients: SseClient[] = [];
  let h: GatewayHarness;
  let replica: RunningGatewayService;
  let user: TestUser;

  beforeAll(async () => {
    await upstream.start();
    h = await startHarness({ env: { ...SSE_ENV, GATEWAY_UPSTREAM_CRM_SSE_URL: upstream.url } });
    replica = await h.startGateway({ ...SSE_ENV, GATEWAY_UPSTREAM_CRM_SSE_URL: upstream.url });
    user = await h.createUser();
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await eventually(async () => (upstream.connections === 0 ? true : undefined));
  });

  afterAll(async () => {
    await h?.close();
    await upstream.close();
  });

  /** Resuming from the newest logged event keeps earlier tests' events out of the way. */
  const latestId = (): string => upstream.log.at(-1)?.id ?? '0';

  async function open(
    path: string,
    token: string,
    headers: Record<string, string> = {},
    base = h.url,
  ): Promise<SseClient> {
    const client = await SseClient.open(`${base}${path}`, { authorization: `Bearer ${token}`, ...headers });
    clients.push(client);
    return client;
  }

  it('relays upstream frames unchanged with the user token, drops keep-alive comments, and resumes exactly after Last-Event-ID', async () => {
    const first = await open('/api/v1/streams/deals', user.tokens.accessToken);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toContain('text/event-stream');
    await eventually(async () => (upstream.connections === 1 ? true : undefined));
    const connect = upstream.connects.at(-1);
    expect(connect?.authorization).toBe(`Bearer ${user.tokens.accessToken}`);
    expect(connect?.['last-event-id']).toBeUndefined();

    const a = upstream.publish('deal.created', { dealId: 'd-1', title: 'Fleet' });
    const b = upstream.publish('deal.updated', { dealId: 'd-1', title: 'Fleet 2' });
    upstream.ping();
    await first.waitFor((client) => client.events().length === 2);
    expect(first.events()).toEqual([
      { id: a, event: 'deal.created', data: '{"dealId":"d-1","title":"Fleet"}' },
      { id: b, event: 'deal.updated', data: '{"dealId":"d-1","title":"Fleet 2"}' },
    ]);
    expect(first.raw).toContain('retry: 5000');
    expect(first.raw).not.toContain('keep-alive');
    expect(first.raw).not.toContain(': ping');

    first.close();
    await eventually(async () => (upstream.connections === 0 ? true : undefined));
    const missedC = upstream.publish('deal.status.changed', { dealId: 'd-1', status: 'won' });
    const missedD = upstream.publish('deal.updated', { dealId: 'd-2' });

    const resumed = await open('/api/v1/streams/crm', user.tokens.accessToken, { 'last-event-id': b });
    await resumed.waitFor((client) => client.events().length === 2);
    expect(upstream.connects.at(-1)?.['last-event-id']).toBe(b);
    const live = upstream.publish('deal.updated', { dealId: 'd-3' });
    await resumed.waitFor((client) => client.events().length === 3);
    expect(resumed.events().map((frame) => frame.id)).toEqual([missedC, missedD, live]);
  });

  it('takes the resume id from ?lastEventId= on a first connect', async () => {
    const from = upstream.publish('deal.updated', { n: 1 });
    const next = upstream.publish('deal.updated', { n: 2 });
    const client = await open(`/api/v1/streams/deals?lastEventId=${from}`, user.tokens.accessToken);
    await client.waitFor((c) => c.events().length === 1);
    expect(client.events().map((frame) => frame.id)).toEqual([next]);
  });

  it('sends heartbeats and writes the monitoring keys', async () => {
    const client = await open('/api/v1/streams/deals', user.tokens.accessToken);
    await client.waitFor((c) => c.ofType('heartbeat').length >= 2);
    const data = JSON.parse(client.ofType('heartbeat')[0]?.data ?? '{}') as { upstream: string; ts: string };
    expect(data.upstream).toBe('crm');
    expect(new Date(data.ts).toISOString()).toBe(data.ts);
    expect(client.ofType('heartbeat').every((frame) => frame.id === undefined)).toBe(true);

    const id = upstream.publish('deal.updated', { n: 'monitored' });
    await client.waitFor((c) => c.events().some((frame) => frame.id === id));
    const cache = h.backend.cache;
    await eventually(async () => ((await cache.get('gateway:sse:crm:last-event-id')) === id ? true : undefined));
    const activity = Number(await cache.get('gateway:sse:crm'));
    expect(activity).toBeGreaterThan(Date.now() - 60_000);
    const ttl = await cache.ttlMs('gateway:sse:crm');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('serves the heartbeat channel without any upstream', async () => {
    const client = await open('/api/v1/streams/heartbeat', user.tokens.accessToken);
    await client.waitFor((c) => c.frames.length >= 2);
    expect(client.frames.slice(0, 2).map((frame) => JSON.parse(frame.data ?? '{}'))).toEqual([
      { type: 'heartbeat', sequence: 1 },
      { type: 'heartbeat', sequence: 2 },
    ]);
  });

  it('keeps the client open when the upstream drops and reconnects from the last relayed id', async () => {
    const client = await open('/api/v1/streams/deals', user.tokens.accessToken, { 'last-event-id': latestId() });
    await eventually(async () => (upstream.connections === 1 ? true : undefined));
    const before = upstream.publish('deal.updated', { n: 'before drop' });
    await client.waitFor((c) => c.events().length === 1);
    const connectsBefore = upstream.connects.length;

    upstream.dropAll();
    const during = upstream.publish('deal.updated', { n: 'while disconnected' });
    await client.waitFor((c) => c.events().length === 2);
    expect(client.ended).toBe(false);
    expect(upstream.connects.length).toBe(connectsBefore + 1);
    expect(upstream.connects.at(-1)?.['last-event-id']).toBe(before);

    const after = upstream.publish('deal.updated', { n: 'after reconnect' });
    await client.waitFor((c) => c.events().length === 3);
    expect(client.events().map((frame) => frame.id)).toEqual([before, during, after]);
  });

  it('allows a few streams per user across replicas; the oldest gets stream_limit and is closed', async () => {
    const capped = await h.createUser();
    const oldest = await open('/api/v1/streams/heartbeat', capped.tokens.accessToken);
    const second = await open('/api/v1/streams/heartbeat', capped.tokens.accessToken, {}, replica.url);
    const third = await open('/api/v1/streams/heartbeat', capped.tokens.accessToken);
    expect(await h.backend.cache.zCard(`gateway:sse:conn:${capped.id}`)).toBe(3);

    const fourth = await open('/api/v1/streams/heartbeat', capped.tokens.accessToken, {}, replica.url);
    await oldest.waitFor((client) => client.ended);
    expect(oldest.ofType('error').map((frame) => frame.data)).toEqual(['{"code":"stream_limit"}']);
    for (const alive of [second, third, fourth]) expect(alive.ended).toBe(false);
    expect(await h.backend.cache.zCard(`gateway:sse:conn:${capped.id}`)).toBe(3);

    // Another replica's stream is the oldest now.
    const fifth = await open('/api/v1/streams/heartbeat', capped.tokens.accessToken);
    await second.waitFor((client) => client.ended);
    expect(second.ofType('error').map((frame) => frame.data)).toEqual(['{"code":"stream_limit"}']);
    expect(fifth.ended).toBe(false);
  });

  it('ends the stream with token_expired when the access token expires', async () => {
    const shortLived = await h.startAuth({ AUTH_ACCESS_TOKEN_TTL: 'PT2S' });
    const login = await fetch(`${shortLived.url}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: user.password }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const client = await open('/api/v1/streams/deals', accessToken);
    expect(client.status).toBe(200);
    await client.waitFor((c) => c.ended, 6000);
    expect(client.ofType('error').map((frame) => frame.data)).toEqual(['{"code":"token_expired"}']);
    await eventually(async () => (upstream.connections === 0 ? true : undefined));
  });

  it('ends the streams of a user the moment the account is disabled (announced by Auth, not waiting for a heartbeat)', async () => {
    const quiet = await h.startGateway({
      ...SSE_ENV,
      GATEWAY_UPSTREAM_SSE_HEARTBEAT_INTERVAL: '600000',
      GATEWAY_UPSTREAM_CRM_SSE_URL: upstream.url,
    });
    try {
      const victim = await h.createUser();
      const client = await open('/api/v1/streams/deals', victim.tokens.accessToken, {}, quiet.url);
      expect(client.status).toBe(200);
      const disable = await fetch(`${h.url}/api/v1/users/${victim.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${await h.adminToken()}`, 'content-type': 'application/json' },
        body: JSON.stringify({ enabled: false }),
      });
      expect(disable.status).toBe(200);
      await client.waitFor((c) => c.ended, 3000);
      expect(client.ofType('error').map((frame) => frame.data)).toEqual(['{"code":"user_disabled"}']);
    } finally {
      await quiet.close();
    }
  });

  it('tears down cleanly: a client that leaves closes its upstream stream and registration', async () => {
    const leaving = await h.createUser();
    const client = await open('/api/v1/streams/deals', leaving.tokens.accessToken);
    await eventually(async () => (upstream.connections === 1 ? true : undefined));
    expect(h.gateway.openStreams()).toBe(1);
    client.close();
    await eventually(async () => (upstream.connections === 0 ? true : undefined));
    await eventually(async () => (h.gateway.openStreams() === 0 ? true : undefined));
    expect(await h.backend.cache.zCard(`gateway:sse:conn:${leaving.id}`)).toBe(0);
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/gateway_sse_streams\{[^}]*channel="deals"[^}]*\} 0/);
  });

  it('refuses streams without a valid token, and channels whose service is not configured', async () => {
    const anonymous = await SseClient.open(`${h.url}/api/v1/streams/deals`);
    expect(anonymous.status).toBe(401);
    const notifications = await open('/api/v1/streams/notifications', user.tokens.accessToken);
    expect(notifications.status).toBe(404);
    const unknown = await open('/api/v1/streams/everything', user.tokens.accessToken);
    expect(unknown.status).toBe(404);
  });

  it('passes an upstream refusal on as an error event and closes', async () => {
    upstream.refuse = { status: 403, code: 'forbidden' };
    try {
      const client = await open('/api/v1/streams/deals', user.tokens.accessToken);
      await client.waitFor((c) => c.ended);
      expect(client.ofType('error').map((frame) => frame.data)).toEqual(['{"code":"forbidden"}']);
    } finally {
      upstream.refuse = undefined;
    }
  });

  it('ends every stream when the Gateway shuts down', async () => {
    const extra = await h.startGateway({ ...SSE_ENV, GATEWAY_UPSTREAM_CRM_SSE_URL: upstream.url });
    const client = await open('/api/v1/streams/deals', user.tokens.accessToken, {}, extra.url);
    await eventually(async () => (upstream.connections === 1 ? true : undefined));
    await extra.close();
    await client.waitFor((c) => c.ended);
    await eventually(async () => (upstream.connections === 0 ? true : undefined));
    expect(extra.openStreams()).toBe(0);
  });
});
