import { execFile } from 'node:child_process';
import { copyFile, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CreateDocumentResponse, DocumentInfo, Folder, PermissionsSyncResponse } from '@polis/contracts';
import { DEMO_CRM_IDS } from '@polis/crm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PosixAclDriver } from '../src/index.js';
import { type DocumentsHarness, EventRecorder, eventually, pdfBytes, startDocuments } from './documents-harness.js';

const run = promisify(execFile);
const { deals: D, policies: P } = DEMO_CRM_IDS;
const USER_A = '0c1cc9fb-50a7-4b15-a765-2251c0633004';
const USER_B = '6fda31ff-7b74-4ba0-9188-8d6504b63005';
const UID_A = 64_101;
const UID_B = 64_102;
const DAY = 86_400_000;

describe('document jobs', () => {
  let h: DocumentsHarness;
  const events = new EventRecorder();
  const audits = new EventRecorder();

  beforeAll(async () => {
    h = await startDocuments({
      acl: new PosixAclDriver(),
      env: { DOCUMENTS_ACL_USER_MAP: JSON.stringify({ [USER_A]: UID_A, [USER_B]: UID_B }) },
      beforeStart: async (backend) => {
        await events.bind(backend, 'documents.events');
        await audits.bind(backend, 'audit.events');
      },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const getfacl = async (path: string) =>
    (await run('getfacl', ['-P', '--numeric', '--omit-header', '--', path])).stdout;

  it('syncs folder ACLs with setfacl: a dropped user disappears from getfacl', async () => {
    const folder = await h.request<Folder>('POST', '/api/v1/folders', {
      token: h.tokens.admin,
      body: { ownerType: 'policy', ownerId: P.P4, title: 'ACL' },
    });
    expect(folder.status).toBe(201);
    const absolute = join(h.root, folder.body.folderPath);
    await writeFile(join(absolute, 'inside.txt'), 'x');
    const sync = async (users: Array<{ userId: string; role: 'viewer' | 'editor' }>) => {
      const response = await h.request<PermissionsSyncResponse>('POST', '/internal/v1/permissions/sync', {
        token: h.tokens.admin,
        body: { ownerType: 'policy', ownerId: P.P4, users },
      });
      expect(response.status).toBe(202);
      return eventually(async () => {
        const [task] = await h.sql<{ status: string; error: string | null }>(
          'select status, error from documents.permissions_sync_tasks where id = $1',
          [response.body.taskId],
        );
        return task?.status === 'queued' ? undefined : task;
      });
    };

    expect(
      await sync([
        { userId: USER_A, role: 'editor' },
        { userId: USER_B, role: 'viewer' },
      ]),
    ).toMatchObject({
      status: 'applied',
    });
    let acl = await getfacl(absolute);
    expect(acl).toContain(`user:${UID_A}:rwx`);
    expect(acl).toContain(`user:${UID_B}:r-x`);
    expect(acl).toContain(`default:user:${UID_A}:rwx`);
    expect(await getfacl(join(absolute, 'inside.txt'))).toContain(`user:${UID_B}:r--`);

    expect(await sync([{ userId: USER_A, role: 'viewer' }])).toMatchObject({ status: 'applied' });
    acl = await getfacl(absolute);
    expect(acl).toContain(`user:${UID_A}:r-x`);
    expect(acl).not.toContain(`${UID_B}`);
    expect(await getfacl(join(absolute, 'inside.txt'))).not.toContain(`${UID_B}`);

    const unknown = await h.request('POST', '/internal/v1/permissions/sync', {
      token: h.tokens.admin,
      body: { ownerType: 'deal', ownerId: '22222222-2222-4222-8222-222222222222', users: [] },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'folder_not_found' });
    const seller = await h.request('POST', '/internal/v1/permissions/sync', {
      token: h.tokens.owner,
      body: { ownerType: 'policy', ownerId: P.P4, users: [] },
    });
    expect(seller.status).toBe(403);
    const audited = await h.sql<{ n: number }>(
      `select count(*)::int as n from documents.audit_log where action = 'acl.synced'`,
    );
    expect(audited[0]?.n).toBe(2);
  });

  it('imports a file, warns 7 days before the 90-day retention ends, then archives it with an audit record', async () => {
    await mkdir(h.importRoot, { recursive: true });
    const source = join(h.importRoot, 'scan.pdf');
    await writeFile(source, pdfBytes(5000, 'import'));
    const created = await h.request<CreateDocumentResponse>('POST', '/api/v1/documents', {
      token: h.tokens.admin,
      body: { ownerType: 'deal', ownerId: D.D1, title: 'Импорт', documentType: 'policy', sourceUri: 'scan.pdf' },
    });
    expect(created.status).toBe(201);
    expect(created.body.uploadUrl).toBeNull();
    const id = created.body.documentId;
    const imported = await eventually(async () => {
      const doc = await h.request<DocumentInfo>('GET', `/api/v1/documents/${id}`, { token: h.tokens.admin });
      return doc.body.status === 'synced' ? doc.body : undefined;
    });
    const retention =
      new Date(imported.retentionUntil as string).getTime() - new Date(imported.uploadedAt as string).getTime();
    expect(Math.round(retention / DAY)).toBe(90);

    const sellerImport = await h.request('POST', '/api/v1/documents', {
      token: h.tokens.owner,
      body: { ownerType: 'deal', ownerId: D.D1, title: 'x', sourceUri: 'scan.pdf' },
    });
    expect(sellerImport.status).toBe(403);
    const traversal = await h.request('POST', '/api/v1/documents', {
      token: h.tokens.admin,
      body: { ownerType: 'deal', ownerId: D.D1, title: 'x', sourceUri: '../root/x.pdf' },
    });
    expect(traversal.status).toBe(400);

    // Six days before the end: the owner is warned once.
    await h.sql(`update documents.documents set retention_until = now() + interval '6 days' where id = $1`, [id]);
    expect((await h.docs.runCleanup()).warned).toBe(1);
    expect((await h.docs.runCleanup()).warned).toBe(0);
    await eventually(async () =>
      events.events.find((e) => e.type === 'documents.document.retention_expiring' && e.subject === id),
    );

    // Extending moves the end by 90 days.
    const extended = await h.request<DocumentInfo>('POST', `/api/v1/documents/${id}/retention/extend`, {
      token: h.tokens.owner,
    });
    expect(extended.status).toBe(200);
    expect(new Date(extended.body.retentionUntil as string).getTime()).toBeGreaterThan(Date.now() + 90 * DAY);

    // Past the end without an extension: archived under .archive/YYYY/MM and audited.
    await h.sql(`update documents.documents set retention_until = now() - interval '1 day' where id = $1`, [id]);
    const before = imported.storagePath as string;
    expect((await h.docs.runCleanup()).archived).toBe(1);
    const archived = await h.request<DocumentInfo>('GET', `/api/v1/documents/${id}`, { token: h.tokens.admin });
    expect(archived.body.archivedAt).not.toBeNull();
    expect(archived.body.storagePath).toMatch(/^\.archive\/\d{4}\/\d{2}\//);
    await expect(stat(join(h.root, before))).rejects.toThrow();
    expect((await stat(join(h.root, archived.body.storagePath as string))).isFile()).toBe(true);
    const [audit] = await h.sql<{ n: number }>(
      `select count(*)::int as n from documents.audit_log where action = 'file.archived' and document_id = $1`,
      [id],
    );
    expect(audit?.n).toBe(1);
    await eventually(async () => audits.events.find((e) => e.type === 'documents.file.archived' && e.subject === id));
    await eventually(async () =>
      events.events.find((e) => e.type === 'documents.document.archived' && e.subject === id),
    );
  });

  it('marks a document error/checksum_mismatch when the stored bytes change before the integrity job', async () => {
    const created = await h.request<CreateDocumentResponse>('POST', '/api/v1/documents', {
      token: h.tokens.owner,
      body: { ownerType: 'deal', ownerId: D.D1, title: 'Подмена' },
    });
    const link = h.direct(created.body.uploadUrl as string);
    const bytes = pdfBytes(2000, 'one');
    expect(
      (await fetch(link, { method: 'PUT', body: bytes, headers: { 'content-type': 'application/pdf' } })).status,
    ).toBe(204);
    const doc = await h.request<DocumentInfo>('GET', `/api/v1/documents/${created.body.documentId}`, {
      token: h.tokens.owner,
    });
    // Someone alters the file on the share behind the service's back.
    await mkdir(join(h.root, '.tmp'), { recursive: true });
    await writeFile(join(h.root, '.tmp', 'other.pdf'), pdfBytes(2000, 'two'));
    await copyFile(join(h.root, '.tmp', 'other.pdf'), join(h.root, doc.body.storagePath as string));
    const { createHash } = await import('node:crypto');
    const completed = await h.request('POST', `/api/v1/documents/${created.body.documentId}/complete`, {
      token: h.tokens.owner,
      body: { fileSize: bytes.length, checksum: createHash('sha256').update(bytes).digest('hex') },
    });
    expect(completed.status).toBe(200);
    const failed = await eventually(async () => {
      const current = await h.request<DocumentInfo>('GET', `/api/v1/documents/${created.body.documentId}`, {
        token: h.tokens.owner,
      });
      return current.body.status === 'error' ? current.body : undefined;
    });
    expect(failed.lastError).toBe('checksum_mismatch');
    const requeued = await h.request('POST', `/api/v1/documents/${created.body.documentId}/sync`, {
      token: h.tokens.admin,
    });
    expect(requeued.status).toBe(202);
    expect(requeued.body).toMatchObject({ id: created.body.documentId, status: 'queued' });
    expect(
      (await h.request('POST', `/api/v1/documents/${created.body.documentId}/sync`, { token: h.tokens.owner })).status,
    ).toBe(403);
  });

  it('queues the daily cleanup once per day across replicas', async () => {
    const queue = h.backend.jobs.queue('documents_tasks');
    const before = (await queue.counts()).completed;
    expect(await h.docs.scheduleCleanupNow()).toBe(true);
    expect(await h.docs.scheduleCleanupNow()).toBe(false);
    await eventually(async () => ((await queue.counts()).completed > before ? true : undefined));
  });
});
