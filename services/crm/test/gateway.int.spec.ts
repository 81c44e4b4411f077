import type { Deal, DealsPage } from '@polis/contracts';
import { createGatewayService, loadGatewayConfig, type RunningGatewayService } from '@polis/gateway';
import { createLogger } from '@polis/platform';
import { SseClient, type SseFrame } from '@polis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CRM_IDS } from '../src/index.js';
import { type CrmHarness, type Json, startCrm } from './crm-harness.js';

const { deals: D } = DEMO_CRM_IDS;

describe('CRM through the Gateway', () => {
  let crm: CrmHarness;
  let gateway: RunningGatewayService;
  const streams: SseClient[] = [];

  beforeAll(async () => {
    crm = await startCrm();
    gateway = await createGatewayService({
      config: loadGatewayConfig({
        GATEWAY_UPSTREAM_AUTH_BASE_URL: crm.auth.url,
        GATEWAY_UPSTREAM_CRM_BASE_URL: crm.url,
        AUTH_JWT_ISSUER: 'http://auth.test',
        SESSION_SECRET: 'crm-gateway-test-secret-0123456789',
        GATEWAY_RATE_LIMIT_PER_MINUTE: '100000',
        GATEWAY_UPSTREAM_SSE_RECONNECT_DELAY: '50',
      }),
      cache: crm.backend.cache,
      logger: createLogger({ service: 'gateway-test', level: process.env.LOG_LEVEL ?? 'silent' }),
      port: 0,
      host: '127.0.0.1',
    });
  });

  afterAll(async () => {
    await Promise.all(streams.map((stream) => stream.close()));
    await gateway?.close();
    await crm?.close();
  });

  const viaGateway = async <T = Json>(method: string, path: string, token: string, body?: unknown, headers = {}) => {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as T };
  };

  it('serves the CRM routes under /api/v1/crm with the same answers, ETags and problems', async () => {
    const direct = await crm.request<DealsPage>('GET', '/api/v1/crm/deals?stage=closedWon', {
      token: crm.tokens.owner,
    });
    const relayed = await viaGateway<DealsPage>('GET', '/api/v1/crm/deals?stage=closedWon', crm.tokens.owner);
    expect(relayed.status).toBe(200);
    expect(relayed.body).toEqual(direct.body);

    const deal = await viaGateway<Deal>('GET', `/api/v1/crm/deals/${D.D3}`, crm.tokens.owner);
    const etag = deal.headers.get('etag') as string;
    expect(etag).toBe(`"${deal.body.version}"`);
    const edited = await viaGateway<Deal>(
      'PATCH',
      `/api/v1/crm/deals/${D.D3}`,
      crm.tokens.owner,
      { title: 'Через шлюз' },
      {
        'if-match': etag,
      },
    );
    expect(edited.body).toMatchObject({ title: 'Через шлюз', version: deal.body.version + 1 });
    const stale = await viaGateway(
      'PATCH',
      `/api/v1/crm/deals/${D.D3}`,
      crm.tokens.owner,
      { title: 'x' },
      { 'if-match': etag },
    );
    expect(stale.status).toBe(409);
    expect(stale.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(stale.body).toMatchObject({ code: 'version_conflict' });

    expect((await viaGateway('GET', `/api/v1/crm/deals/${D.D3}`, crm.tokens.otherAgent)).status).toBe(404);
    expect((await viaGateway('GET', '/internal/v1/streams/deals', crm.tokens.owner)).status).toBe(404);
  });

  it('streams the payments import (NDJSON) and export (CSV download) through', async () => {
    const rows = Array.from({ length: 700 }, () => `CR-2024-0001;4;income;0.01;premium;${crm.today}`);
    const csv = ['policy_number;payment_sequence;direction;amount;category;posted_at', ...rows].join('\n');
    const imported = await fetch(`${gateway.url}/api/v1/crm/payments/import?mode=dry-run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${crm.tokens.owner}`, 'content-type': 'text/csv' },
      body: csv,
    });
    expect(imported.status).toBe(200);
    expect(imported.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await imported.text())
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Json);
    expect(lines).toEqual([
      { type: 'progress', rows: 500 },
      { type: 'progress', rows: 700 },
      { type: 'result', mode: 'dry-run', rows: 700, written: false, incomes: 700, expenses: 0, payments: 1 },
    ]);

    const exported = await fetch(`${gateway.url}/api/v1/crm/payments/export?format=csv&dealId=${D.D1}`, {
      headers: { authorization: `Bearer ${crm.tokens.owner}` },
    });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toMatch(/^attachment; filename="payments-.+\.csv"$/);
    const text = (await exported.text()).replace(/^\uFEFF/, '');
    expect(text.split('\r\n').filter((line) => line !== '')).toHaveLength(1 + 4);
  });

  it('relays the deals stream with the user’s token and Last-Event-ID', async () => {
    const open = async (lastEventId?: string) => {
      const stream = await SseClient.open(gateway.url, '/api/v1/streams/deals', {
        token: crm.tokens.teamExecutor,
        ...(lastEventId ? { lastEventId } : {}),
      });
      streams.push(stream);
      expect(stream.status).toBe(200);
      return stream;
    };
    const note = async (body: string) =>
      expect((await viaGateway('POST', `/api/v1/crm/deals/${D.D1}/journal`, crm.tokens.owner, { body })).status).toBe(
        201,
      );
    const bodies = (frames: SseFrame[]) =>
      frames
        .filter((frame) => frame.event === 'deal.journal.appended')
        .map((frame) => JSON.parse(frame.data ?? '{}').body);

    const stream = await open();
    // CRM's retry hint comes through once the Gateway's upstream stream has settled where it starts.
    await stream.waitFor((frames) => frames.some((frame) => frame.retry !== undefined));
    await note('первая через шлюз');
    await stream.waitFor((frames) => bodies(frames).includes('первая через шлюз'));
    const first = stream.events().find((frame) => frame.event === 'deal.journal.appended') as SseFrame;
    await stream.close();

    await note('пропущена через шлюз');
    const resumed = await open(first.id);
    await resumed.waitFor((frames) => bodies(frames).includes('пропущена через шлюз'));
    expect(bodies(resumed.frames)[0]).toBe('пропущена через шлюз');
  });
});
