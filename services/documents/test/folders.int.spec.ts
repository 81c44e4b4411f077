import { lstat, mkdir, readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { CreateDocumentResponse, DocumentInfo, Folder } from '@polis/contracts';
import { DEMO_CRM_IDS } from '@polis/crm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DocumentsHarness, eventually, PEOPLE, startDocuments } from './documents-harness.js';

const { clients: C, deals: D, policies: P } = DEMO_CRM_IDS;

describe('folders', () => {
  let h: DocumentsHarness;

  beforeAll(async () => {
    h = await startDocuments();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('creates the client → deal → policy tree on demand, named by the templates, relative paths only', async () => {
    const created = await h.request<Folder>('POST', '/api/v1/folders', {
      token: h.tokens.owner,
      body: { ownerType: 'policy', ownerId: P.P1, title: 'ОСАГО 123' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      ownerType: 'policy',
      ownerId: P.P1,
      folderPath: `Client ${C.C1}/Deal ${D.D1}/Policy ${P.P1}`,
      parentPath: `Client ${C.C1}/Deal ${D.D1}`,
    });
    expect(created.body.publicUrl).toBe(
      `https://files.local/documents/${encodeURIComponent(`Client ${C.C1}`)}/${encodeURIComponent(`Deal ${D.D1}`)}/${encodeURIComponent(`Policy ${P.P1}`)}`,
    );
    expect((await lstat(join(h.root, created.body.folderPath))).isDirectory()).toBe(true);
    expect(JSON.stringify(created.body)).not.toContain(h.root);

    const fetched = await h.request<Folder>('GET', `/api/v1/folders/deal/${D.D1}`, { token: h.tokens.teamExecutor });
    expect(fetched.status).toBe(200);
    expect(fetched.body.folderPath).toBe(`Client ${C.C1}/Deal ${D.D1}`);
  });

  it('answers 409 folder_exists for a second folder of one owner', async () => {
    const again = await h.request('POST', '/api/v1/folders', {
      token: h.tokens.owner,
      body: { ownerType: 'deal', ownerId: D.D1, title: 'again' },
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'folder_exists' });
  });

  it('hides folders of owners the caller may not see (404) and refuses foreign owners', async () => {
    const foreign = await h.request('GET', `/api/v1/folders/deal/${D.D1}`, { token: h.tokens.otherAgent });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ code: 'folder_not_found' });
    const create = await h.request('POST', '/api/v1/folders', {
      token: h.tokens.outsideExecutor,
      body: { ownerType: 'deal', ownerId: D.D3, title: 'x' },
    });
    expect(create.status).toBe(404);
    expect(create.body).toMatchObject({ code: 'deal_not_found' });
    const missing = await h.request('GET', `/api/v1/folders/client/${C.C5}`, { token: h.tokens.admin });
    expect(missing.status).toBe(404);
  });

  it('refuses traversal in parentPath in every spelling and writes nothing outside the root', async () => {
    const attempts = [
      '../../etc',
      '..',
      '/etc',
      `Client ${C.C1}/../../outside`,
      '%2e%2e/%2e%2e/etc',
      '%252e%252e/etc',
      'Client\u0000x',
      'a\\..\\b',
      './x',
    ];
    for (const parentPath of attempts) {
      const response = await h.request('POST', '/api/v1/folders', {
        token: h.tokens.admin,
        body: { ownerType: 'client', ownerId: C.C2, title: 'Петров', parentPath },
      });
      expect(response.status, parentPath).toBe(400);
      expect(response.body, parentPath).toMatchObject({ code: 'invalid_path' });
    }
    expect(await readdir(h.root)).not.toContain('etc');
    await expect(lstat(join(h.root, '..', 'etc'))).rejects.toThrow();
    await expect(lstat(h.outside)).rejects.toThrow();
  });

  it('sanitises names from titles and refuses a symlink planted inside the root', async () => {
    const created = await h.request<Folder>('POST', '/api/v1/folders', {
      token: h.tokens.admin,
      body: {
        ownerType: 'payment',
        ownerId: '11111111-1111-4111-8111-111111111111',
        title: 'x',
        parentPath: `Client ${C.C1}/Deal ${D.D1}`,
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.folderPath).toBe(`Client ${C.C1}/Deal ${D.D1}/Payment 11111111-1111-4111-8111-111111111111`);

    // An operator (or an attacker with share access) plants a link from inside the root to outside.
    await mkdir(h.outside, { recursive: true });
    await symlink(h.outside, join(h.root, `Client ${C.C3}`));
    const planted = await h.request('POST', '/api/v1/folders', {
      token: h.tokens.owner,
      body: { ownerType: 'deal', ownerId: D.D3, title: 'спецтехника' },
    });
    expect(planted.status).toBe(400);
    expect(planted.body).toMatchObject({ code: 'invalid_path' });
    expect(await readdir(h.outside)).toEqual([]);
  });

  it('creates folders when CRM publishes client.created and deal.created, once per event', async () => {
    const client = await h.request<{ id: string }>('POST', '/api/v1/crm/clients', {
      base: h.crm.url,
      token: h.tokens.owner,
      body: { name: 'ООО "Рога: и * Копыта"', type: 'company' },
    });
    expect(client.status).toBe(201);
    const folder = await eventually(async () => {
      const response = await h.request<Folder>('GET', `/api/v1/folders/client/${client.body.id}`, {
        token: h.tokens.owner,
      });
      return response.status === 200 ? response.body : undefined;
    });
    expect(folder.folderPath).toBe(`Client ${client.body.id}`);
    const deal = await h.request<{ id: string }>('POST', '/api/v1/crm/deals', {
      base: h.crm.url,
      token: h.tokens.owner,
      body: { clientId: client.body.id, title: 'Склад / офис', nextReviewAt: '2030-01-01' },
    });
    expect(deal.status).toBe(201);
    const dealFolder = await eventually(async () => {
      const response = await h.request<Folder>('GET', `/api/v1/folders/deal/${deal.body.id}`, {
        token: h.tokens.owner,
      });
      return response.status === 200 ? response.body : undefined;
    });
    expect(dealFolder.parentPath).toBe(folder.folderPath);
    const processed = await h.sql<{ n: number }>(
      `select count(*)::int as n from documents.processed_events where consumer = 'documents.crm'`,
    );
    expect(processed[0]?.n).toBeGreaterThanOrEqual(2);
  });

  it('creates a document in its owner folder and lists it only to those who see the owner', async () => {
    const created = await h.request<CreateDocumentResponse>('POST', '/api/v1/documents', {
      token: h.tokens.owner,
      body: { ownerType: 'deal', ownerId: D.D1, title: 'Договор', documentType: 'act', tags: ['a', 'b'], notes: 'n' },
    });
    expect(created.status).toBe(201);
    expect(created.body.uploadUrl).toMatch(/^http:\/\/gateway\.test\/api\/v1\/documents\/[0-9a-f-]+\/content\?token=/);
    expect(created.body.expiresIn).toBe(900);
    const id = created.body.documentId;

    const own = await h.request<DocumentInfo>('GET', `/api/v1/documents/${id}`, { token: h.tokens.teamExecutor });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({
      status: 'pending_upload',
      metadata: { ownerType: 'deal', ownerId: D.D1, documentType: 'act', notes: 'n', tags: ['a', 'b'] },
    });
    expect((await h.request('GET', `/api/v1/documents/${id}`, { token: h.tokens.otherAgent })).status).toBe(404);
    expect((await h.request('GET', `/api/v1/documents/${id}/download`, { token: h.tokens.otherAgent })).status).toBe(
      404,
    );

    const list = await h.request<DocumentInfo[]>('GET', `/api/v1/documents?owner_id=${D.D1}&documentType=act,policy`, {
      token: h.tokens.owner,
    });
    expect(list.status).toBe(200);
    expect(list.headers.get('x-total-count')).toBe('1');
    const foreignList = await h.request<DocumentInfo[]>('GET', '/api/v1/documents', { token: h.tokens.otherAgent });
    expect(foreignList.body.map((doc) => doc.id)).not.toContain(id);
    expect(foreignList.headers.get('x-total-count')).toBe(String(foreignList.body.length));

    const patched = await h.request<DocumentInfo>('PATCH', `/api/v1/documents/${id}`, {
      token: h.tokens.owner,
      body: { documentType: '', tags: [], notes: '' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.metadata).toMatchObject({ documentType: null, tags: [], notes: null });

    const bad = await h.request('GET', '/api/v1/documents?limit=500', { token: h.tokens.owner });
    expect(bad.status).toBe(400);
    const nobody = await h.request('POST', '/api/v1/documents', {
      token: h.tokens.outsideExecutor,
      body: { ownerType: 'deal', ownerId: D.D1, title: 'x' },
    });
    expect(nobody.status).toBe(404);
  });

  it('revokes access once CRM drops the caller from the deal team (after the short visibility cache)', async () => {
    const created = await h.request<CreateDocumentResponse>('POST', '/api/v1/documents', {
      token: h.tokens.owner,
      body: { ownerType: 'deal', ownerId: D.D1, title: 'Команда' },
    });
    expect(created.status).toBe(201);
    const path = `/api/v1/documents/${created.body.documentId}`;
    expect((await h.request('GET', path, { token: h.tokens.teamExecutor })).status).toBe(200);
    const removed = await h.request('DELETE', `/api/v1/crm/deals/${D.D1}/participants/${PEOPLE.teamExecutor}`, {
      base: h.crm.url,
      token: h.tokens.owner,
    });
    expect(removed.status).toBe(204);
    await eventually(async () =>
      (await h.request('GET', path, { token: h.tokens.teamExecutor })).status === 404 ? true : undefined,
    );
    const list = await h.request<DocumentInfo[]>('GET', `/api/v1/documents?ownerId=${D.D1}`, {
      token: h.tokens.teamExecutor,
    });
    expect(list.body).toEqual([]);
  });
});
