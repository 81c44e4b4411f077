import { createServer } from 'node:net';
import type { CreateDocumentResponse, DocumentInfo, Folder } from '@polis/contracts';
import { DEMO_CRM_IDS } from '@polis/crm';
import { createGatewayService, loadGatewayConfig, type RunningGatewayService } from '@polis/gateway';
import { createLogger } from '@polis/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DocumentsHarness, eventually, type Json, pdfBytes, sha256, startDocuments } from './documents-harness.js';

const { deals: D } = DEMO_CRM_IDS;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/*
 * The Gateway in front of Documents: signed content links pass it without a session (the signature
 * is the credential); everything else needs the bearer token.
 */
describe('Documents through the Gateway', () => {
  let h: DocumentsHarness;
  let gateway: RunningGatewayService;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    h = await startDocuments({ env: { DOCUMENTS_UPLOAD_URL_BASE: `${base}/api/v1/documents` } });
    gateway = await createGatewayService({
      config: loadGatewayConfig({
        GATEWAY_UPSTREAM_AUTH_BASE_URL: h.auth.url,
        GATEWAY_BASE_URL: `${base}/api`,
        AUTH_JWT_ISSUER: 'http://auth.test',
        SESSION_SECRET: 'documents-gateway-test-secret-0123456789',
        GATEWAY_RATE_LIMIT_PER_MINUTE: '100000',
      }),
      upstreams: { documents: { baseUrl: h.docs.url }, crm: { baseUrl: h.crm.url } },
      cache: h.backend.cache,
      logger: createLogger({ service: 'gateway-test', level: process.env.LOG_LEVEL ?? 'silent' }),
      port,
      host: '127.0.0.1',
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await h?.close();
  });

  const via = async <T = Json>(method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as T };
  };

  it('serves folders and document metadata under /api/v1 with the same answers and problems', async () => {
    const folder = await via<Folder>('POST', '/api/v1/folders', h.tokens.owner, {
      ownerType: 'deal',
      ownerId: D.D3,
      title: 'Спецтехника',
    });
    expect(folder.status).toBe(201);
    expect((await via('GET', `/api/v1/folders/deal/${D.D3}`, h.tokens.otherAgent)).status).toBe(404);
    const traversal = await via('POST', '/api/v1/folders', h.tokens.admin, {
      ownerType: 'client',
      ownerId: DEMO_CRM_IDS.clients.C5,
      title: 'x',
      parentPath: '../../etc',
    });
    expect(traversal.status).toBe(400);
    expect(traversal.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    const created = await via<CreateDocumentResponse>('POST', '/api/v1/documents', h.tokens.owner, {
      ownerType: 'deal',
      ownerId: D.D3,
      title: 'Через шлюз',
    });
    expect(created.status).toBe(201);
    expect(created.body.uploadUrl?.startsWith(`${base}/api/v1/documents/${created.body.documentId}/content?`)).toBe(
      true,
    );
    const direct = await h.request('GET', `/api/v1/documents/${created.body.documentId}`, { token: h.tokens.owner });
    const relayed = await via('GET', `/api/v1/documents/${created.body.documentId}`, h.tokens.owner);
    expect(relayed.body).toEqual(direct.body);
    expect((await via('GET', `/api/v1/documents/${created.body.documentId}`, h.tokens.otherAgent)).status).toBe(404);
    const list = await via<DocumentInfo[]>('GET', `/api/v1/documents?ownerId=${D.D3}`, h.tokens.owner);
    expect(list.headers.get('x-total-count')).toBe('1');
    expect((await via('POST', '/internal/v1/permissions/sync', h.tokens.admin, {})).status).toBe(404);
  });

  it('streams an upload and a ranged download through the Gateway and redirects download links to it', async () => {
    const created = await via<CreateDocumentResponse>('POST', '/api/v1/documents', h.tokens.owner, {
      ownerType: 'deal',
      ownerId: D.D1,
      title: 'Большой через шлюз',
    });
    const bytes = pdfBytes(3 * 1024 * 1024, 'gw');
    const put = await fetch(created.body.uploadUrl as string, {
      method: 'PUT',
      body: bytes,
      headers: { 'content-type': 'application/pdf' },
    });
    expect(put.status).toBe(204);
    const complete = await via('POST', `/api/v1/documents/${created.body.documentId}/complete`, h.tokens.owner, {
      fileSize: bytes.length,
      checksum: sha256(bytes),
    });
    expect(complete.status).toBe(200);

    const redirect = await via('GET', `/api/v1/documents/${created.body.documentId}/download`, h.tokens.teamExecutor);
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location') as string;
    expect(location.startsWith(`${base}/api/v1/documents/${created.body.documentId}/content?token=`)).toBe(true);
    const range = await fetch(location, {
      headers: { range: 'bytes=100-199', authorization: `Bearer ${h.tokens.teamExecutor}` },
    });
    expect(range.status).toBe(206);
    expect(Buffer.from(await range.arrayBuffer())).toEqual(bytes.subarray(100, 200));
    const whole = await fetch(location);
    expect(whole.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(whole.headers.get('x-content-type-options')).toBe('nosniff');
    expect(sha256(Buffer.from(await whole.arrayBuffer()))).toBe(sha256(bytes));
    expect(
      (await via('GET', `/api/v1/documents/${created.body.documentId}/download`, h.tokens.outsideExecutor)).status,
    ).toBe(404);

    const tooBig = await fetch(created.body.uploadUrl as string, {
      method: 'PUT',
      body: Buffer.alloc(26 * 1024 * 1024),
      headers: { 'content-type': 'application/pdf' },
    });
    expect(tooBig.status).toBe(413);
    const unsigned = await fetch(`${base}/api/v1/documents/${created.body.documentId}/content`, { method: 'GET' });
    expect(unsigned.status).toBe(401);
    await unsigned.body?.cancel();
    const forged = await fetch(location.replace(/token=(.)/, (_m, c: string) => `token=${c === 'A' ? 'B' : 'A'}`));
    expect(forged.status).toBe(403);
    await forged.body?.cancel();
    await eventually(async () =>
      (await via<DocumentInfo>('GET', `/api/v1/documents/${created.body.documentId}`, h.tokens.owner)).body.status ===
      'synced'
        ? true
        : undefined,
    );
  });
});
