import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CreateDocumentResponse, DocumentInfo, UploadUrlResponse } from '@polis/contracts';
import { DEMO_CRM_IDS } from '@polis/crm';
import { createLogger } from '@polis/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentsService, LinkSigner, loadDocumentsConfig, type RunningDocumentsService } from '../src/index.js';
import {
  type DocumentsHarness,
  EventRecorder,
  eventually,
  pdfBytes,
  sha256,
  startDocuments,
  TEST_SIGNING_KEYS,
} from './documents-harness.js';

const { deals: D } = DEMO_CRM_IDS;
const MIB = 1024 * 1024;

describe('upload and download', () => {
  let h: DocumentsHarness;
  const events = new EventRecorder();

  beforeAll(async () => {
    h = await startDocuments({ beforeStart: (backend) => events.bind(backend, 'documents.events') });
  });
  afterAll(async () => {
    await h?.close();
  });

  const create = async (title = 'Акт сверки', token = h.tokens.owner, ownerId: string = D.D1) => {
    const response = await h.request<CreateDocumentResponse>('POST', '/api/v1/documents', {
      token,
      body: { ownerType: 'deal', ownerId, title, documentType: 'act' },
    });
    expect(response.status).toBe(201);
    return response.body as CreateDocumentResponse & { uploadUrl: string };
  };
  const put = (link: string, body: RequestInit['body'], contentType = 'application/pdf', extra: RequestInit = {}) =>
    fetch(h.direct(link), { method: 'PUT', body, headers: { 'content-type': contentType }, ...extra });
  const get = (id: string, token = h.tokens.owner) =>
    h.request<DocumentInfo>('GET', `/api/v1/documents/${id}`, { token });
  const problem = async (response: Response) => (await response.json()) as { code: string; details?: Json };
  type Json = Record<string, unknown>;

  it('uploads a streamed file, confirms it, re-verifies it in a job and publishes document.uploaded', async () => {
    const bytes = pdfBytes(300_000, 'happy');
    const doc = await create('Акт / сверки: 2025');
    const uploaded = await put(doc.uploadUrl, bytes);
    expect(uploaded.status).toBe(204);
    const afterPut = await get(doc.documentId);
    expect(afterPut.body).toMatchObject({
      status: 'uploading',
      size: bytes.length,
      checksumSha256: sha256(bytes),
      mimeType: 'application/pdf',
    });
    expect(afterPut.body.storagePath).toMatch(/\/Act_\d{8}_Акт_-_сверки-_2025\.pdf$/);
    expect(sha256(await readFile(join(h.root, afterPut.body.storagePath as string)))).toBe(sha256(bytes));

    const completed = await h.request<DocumentInfo>('POST', `/api/v1/documents/${doc.documentId}/complete`, {
      token: h.tokens.owner,
      body: { fileSize: bytes.length, checksum: sha256(bytes).toUpperCase() },
    });
    expect(completed.status).toBe(200);
    expect(completed.body.status).toBe('uploaded');
    const synced = await eventually(async () => {
      const current = await get(doc.documentId);
      return current.body.status === 'synced' ? current.body : undefined;
    });
    expect(synced.syncedAt).not.toBeNull();
    const event = await eventually(async () =>
      events.events.find((e) => e.type === 'documents.document.uploaded' && e.subject === doc.documentId),
    );
    expect(event.source).toBe('documents.service');
    expect(event.data).toMatchObject({
      documentId: doc.documentId,
      ownerType: 'deal',
      ownerId: D.D1,
      size: bytes.length,
    });

    const again = await h.request('POST', `/api/v1/documents/${doc.documentId}/complete`, {
      token: h.tokens.owner,
      body: { fileSize: bytes.length, checksum: sha256(bytes) },
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'upload_conflict', details: { status: 'synced' } });

    // Download: 302 to a signed link on the public base; the link serves the bytes as an attachment.
    const redirect = await h.request('GET', `/api/v1/documents/${doc.documentId}/download`, {
      token: h.tokens.teamExecutor,
    });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location') as string;
    expect(location).toMatch(
      /^http:\/\/gateway\.test\/api\/v1\/documents\/[0-9a-f-]+\/content\?token=.+&expires=\d+&kid=k1/,
    );
    const file = await fetch(h.direct(location));
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toMatch(
      /^attachment; filename="Act_\d{8}_.*\.pdf"; filename\*=UTF-8''/,
    );
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(sha256(Buffer.from(await file.arrayBuffer()))).toBe(sha256(bytes));

    const part = await fetch(h.direct(location), { headers: { range: 'bytes=0-9' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-9/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(0, 10));
    const tail = await fetch(h.direct(location), { headers: { range: 'bytes=-7' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 7));
    const beyond = await fetch(h.direct(location), { headers: { range: `bytes=${bytes.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
    await beyond.body?.cancel();

    const altered = location.replace(/token=(.)/, (_m, c: string) => `token=${c === 'A' ? 'B' : 'A'}`);
    const refused = await fetch(h.direct(altered));
    expect(refused.status).toBe(403);
    expect((await problem(refused)).code).toBe('invalid_signature');
    const audits = await h.sql<{ n: number }>(
      `select count(*)::int as n from documents.audit_log where action = 'file.downloaded' and document_id = $1`,
      [doc.documentId],
    );
    expect(audits[0]?.n).toBeGreaterThanOrEqual(1);
  });

  it('refuses altered, expired, wrong-kid and reused upload links with 403', async () => {
    const doc = await create('Ссылки');
    const bytes = pdfBytes(1000);
    const url = new URL(doc.uploadUrl);
    const token = url.searchParams.get('token') as string;
    const altered = new URL(url);
    altered.searchParams.set('token', `${token.startsWith('A') ? 'B' : 'A'}${token.slice(1)}`);
    const response = await put(altered.toString(), bytes);
    expect(response.status).toBe(403);
    expect((await problem(response)).code).toBe('invalid_upload_token');

    const laterExpiry = new URL(url);
    laterExpiry.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 1000));
    expect((await put(laterExpiry.toString(), bytes)).status).toBe(403);

    const wrongKid = new URL(url);
    wrongKid.searchParams.set('kid', 'k0');
    expect((await put(wrongKid.toString(), bytes)).status).toBe(403);
    const unknownKid = new URL(url);
    unknownKid.searchParams.set('kid', 'zz');
    expect((await put(unknownKid.toString(), bytes)).status).toBe(403);

    const keys = new Map(TEST_SIGNING_KEYS.split(',').map((pair) => pair.split(':') as [string, string]));
    const past = new LinkSigner(keys, 'k1', () => new Date(Date.now() - 3_600_000));
    const { query } = past.sign({ method: 'PUT', documentId: doc.documentId, maxBytes: 25 * MIB, userId: 'x' }, 60);
    const expired = await put(`http://gateway.test/api/v1/documents/${doc.documentId}/content?${query}`, bytes);
    expect(expired.status).toBe(403);
    expect((await problem(expired)).code).toBe('link_expired');

    expect((await put(doc.uploadUrl, bytes)).status).toBe(204);
    const reused = await put(doc.uploadUrl, bytes);
    expect(reused.status).toBe(403);
    expect((await problem(reused)).code).toBe('invalid_upload_token');
    // Nothing of the refused attempts was kept.
    expect((await get(doc.documentId)).body.checksumSha256).toBe(sha256(bytes));
  });

  it('answers 413 for 26 MiB (declared or streamed), 415 for an .exe named .pdf, 400 for an empty body', async () => {
    const big = Buffer.alloc(26 * MIB, 0x20);
    big.write('%PDF-1.4\n', 0);
    const declared = await create('Большой');
    const tooLarge = await put(declared.uploadUrl, big);
    expect(tooLarge.status).toBe(413);
    expect((await problem(tooLarge)).code).toBe('file_too_large');

    const streamed = await create('Большой поток');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < big.length; offset += MIB) controller.enqueue(big.subarray(offset, offset + MIB));
        controller.close();
      },
    });
    const chunked = await put(streamed.uploadUrl, stream, 'application/pdf', { duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
    expect((await get(streamed.documentId)).body.status).toBe('pending_upload');

    const exe = Buffer.alloc(8192, 0);
    exe.write('MZ', 0);
    exe.writeUInt32LE(0x80, 0x3c);
    exe.write('PE\0\0', 0x80, 'latin1');
    const disguised = await create('setup.pdf');
    const refused = await put(disguised.uploadUrl, exe);
    expect(refused.status).toBe(415);
    expect((await problem(refused)).code).toBe('unsupported_media_type');

    const pdfAsPng = await create('pdf-as-png');
    expect((await put(pdfAsPng.uploadUrl, pdfBytes(5000), 'image/png')).status).toBe(415);

    const empty = await create('Пустой');
    expect((await put(empty.uploadUrl, Buffer.alloc(0))).status).toBe(400);

    const csv = await create('Таблица');
    expect((await put(csv.uploadUrl, Buffer.from('a;b\n1;2\n'), 'text/csv')).status).toBe(204);
    expect((await get(csv.documentId)).body).toMatchObject({ mimeType: 'text/csv' });

    const leftovers = await readdir(join(h.root, '.tmp'));
    expect(leftovers).toEqual([]);
  });

  it('marks a document whose declared checksum does not match its bytes as error/checksum_mismatch', async () => {
    const doc = await create('Несовпадение');
    const bytes = pdfBytes(4000);
    expect((await put(doc.uploadUrl, bytes)).status).toBe(204);
    const mismatch = await h.request('POST', `/api/v1/documents/${doc.documentId}/complete`, {
      token: h.tokens.owner,
      body: { fileSize: bytes.length, checksum: sha256(Buffer.from('other')) },
    });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body).toMatchObject({ code: 'checksum_mismatch' });
    expect((await get(doc.documentId)).body).toMatchObject({ status: 'error', lastError: 'checksum_mismatch' });
    const md5Doc = await create('MD5');
    const md5Bytes = pdfBytes(5000, 'md5');
    expect((await put(md5Doc.uploadUrl, md5Bytes)).status).toBe(204);
    const md5 = createHash('md5').update(md5Bytes).digest('hex');
    const byMd5 = await h.request<DocumentInfo>('POST', `/api/v1/documents/${md5Doc.documentId}/complete`, {
      token: h.tokens.owner,
      body: { fileSize: md5Bytes.length, checksum: md5 },
    });
    expect(byMd5.status).toBe(200);
    expect(byMd5.body).toMatchObject({ status: 'uploaded', checksumMd5: md5 });

    const early = await create('Рано');
    const notYet = await h.request('POST', `/api/v1/documents/${early.documentId}/complete`, {
      token: h.tokens.owner,
      body: { fileSize: 10, checksum: 'ab' },
    });
    expect(notYet.status).toBe(409);
    expect(notYet.body).toMatchObject({ code: 'upload_conflict', details: { status: 'pending_upload' } });
  });

  it('lets one of two concurrent uploads to a document win; the other gets 409', async () => {
    const doc = await create('Гонка');
    const second = await h.request<UploadUrlResponse>('POST', `/api/v1/documents/${doc.documentId}/upload-url`, {
      token: h.tokens.owner,
    });
    expect(second.status).toBe(200);
    const bytes = pdfBytes(200_000, 'race');
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(bytes.subarray(0, 100_000));
        await gate;
        controller.enqueue(bytes.subarray(100_000));
        controller.close();
      },
    });
    const first = put(doc.uploadUrl, slow, 'application/pdf', { duplex: 'half' } as RequestInit);
    await eventually(async () => ((await h.backend.cache.get(`upload-lock:${doc.documentId}`)) ? true : undefined));
    const loser = await put(second.body.uploadUrl, pdfBytes(1000));
    expect(loser.status).toBe(409);
    expect((await problem(loser)).code).toBe('upload_conflict');
    release();
    expect((await first).status).toBe(204);
    expect((await get(doc.documentId)).body.checksumSha256).toBe(sha256(bytes));
  });

  it('deletes softly: 204 then 409, the file gone, the row hidden, document.deleted published', async () => {
    const doc = await create('Удаляемый');
    const bytes = pdfBytes(3000);
    expect((await put(doc.uploadUrl, bytes)).status).toBe(204);
    const path = (await get(doc.documentId)).body.storagePath as string;
    const first = await h.request('DELETE', `/api/v1/documents/${doc.documentId}`, { token: h.tokens.owner });
    expect(first.status).toBe(204);
    const second = await h.request('DELETE', `/api/v1/documents/${doc.documentId}`, { token: h.tokens.owner });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'already_deleted' });
    await expect(stat(join(h.root, path))).rejects.toThrow();
    expect((await get(doc.documentId)).status).toBe(404);
    const patch = await h.request('PATCH', `/api/v1/documents/${doc.documentId}`, {
      token: h.tokens.owner,
      body: { title: 'x' },
    });
    expect(patch.status).toBe(409);
    const list = await h.request<DocumentInfo[]>('GET', `/api/v1/documents?ownerId=${D.D1}&limit=200`, {
      token: h.tokens.admin,
    });
    expect(list.body.map((d) => d.id)).not.toContain(doc.documentId);
    await eventually(async () =>
      events.events.find((e) => e.type === 'documents.document.deleted' && e.subject === doc.documentId),
    );
    const foreign = await create('Чужой', h.tokens.otherAgent, D.D2);
    expect(
      (await h.request('DELETE', `/api/v1/documents/${foreign.documentId}`, { token: h.tokens.owner })).status,
    ).toBe(404);
  });

  it('leaves no user-visible orphan after a crash between the file move and the commit; the sweep removes leftovers', async () => {
    const doc = await create('Сбой');
    const folder = (
      await h.sql<{ folder_path: string }>(`select folder_path from documents.documents where id = $1`, [
        doc.documentId,
      ])
    )[0]?.folder_path as string;
    // The state a crash leaves: a half-written temp file, and a file moved into place whose row
    // update never committed (only the staged mark did).
    const temp = join(h.root, '.tmp', 'crashed.part');
    await writeFile(temp, 'partial');
    const staged = `${folder}/Act_20250101_Сбой.pdf`;
    await mkdir(join(h.root, folder), { recursive: true });
    await writeFile(join(h.root, staged), pdfBytes(1000));
    const old = new Date(Date.now() - 2 * 3_600_000);
    await utimes(temp, old, old);
    await h.sql(`update documents.documents set staged_path = $2, staged_at = $3 where id = $1`, [
      doc.documentId,
      staged,
      old,
    ]);

    const visible = await get(doc.documentId);
    expect(visible.body).toMatchObject({ status: 'pending_upload', storagePath: null });
    expect(
      (await h.request('GET', `/api/v1/documents/${doc.documentId}/download`, { token: h.tokens.owner })).status,
    ).toBe(409);

    const report = await h.docs.runCleanup();
    expect(report.tempFiles).toBeGreaterThanOrEqual(1);
    expect(report.stagedFiles).toBe(1);
    await expect(stat(temp)).rejects.toThrow();
    await expect(stat(join(h.root, staged))).rejects.toThrow();
    const row = await h.sql<{ staged_path: string | null }>(
      `select staged_path from documents.documents where id = $1`,
      [doc.documentId],
    );
    expect(row[0]?.staged_path).toBeNull();
    // The document can still be uploaded afterwards.
    const retry = await h.request<UploadUrlResponse>('POST', `/api/v1/documents/${doc.documentId}/upload-url`, {
      token: h.tokens.owner,
    });
    expect((await put(retry.body.uploadUrl, pdfBytes(1000))).status).toBe(204);
  });

  it('answers 507 when the storage quota is full, and 429 past the signed-link limit', async () => {
    let small: RunningDocumentsService | undefined;
    try {
      small = await createDocumentsService({
        config: loadDocumentsConfig({
          AUTH_JWKS_URL: `${h.auth.url}/.well-known/jwks.json`,
          AUTH_JWT_ISSUER: 'http://auth.test',
          DOCUMENTS_STORAGE_ROOT: join(h.root, '..', 'quota-root'),
          DOCUMENTS_CRM_BASE_URL: h.crm.url,
          DOCUMENTS_URL_SIGNING_KEYS: TEST_SIGNING_KEYS,
          DOCUMENTS_STORAGE_QUOTA_MB: '1',
          DOCUMENTS_CLEANUP_AT: '',
          DOCUMENTS_CRM_EVENTS_QUEUE: 'documents.crm.quota',
          DOCUMENTS_LINK_RATE_LIMIT_PER_HOUR: '1',
        }),
        db: h.backend.db,
        bus: h.backend.bus,
        cache: h.backend.cache,
        jobs: h.backend.jobs,
        logger: createLogger({ service: 'documents-quota', level: 'silent' }),
        port: 0,
        host: '127.0.0.1',
        workers: false,
      });
      const doc = await create('Квота');
      const link = new URL(doc.uploadUrl);
      const response = await fetch(`${small.url}${link.pathname}${link.search}`, {
        method: 'PUT',
        body: pdfBytes(MIB + 10),
        headers: { 'content-type': 'application/pdf' },
      });
      expect(response.status).toBe(507);
      expect((await problem(response)).code).toBe('quota_exceeded');

      // Signed-link issuing is limited per user and hour (here 1).
      const issue = () =>
        h.request('POST', '/api/v1/documents', {
          base: small?.url,
          token: h.tokens.admin,
          body: { ownerType: 'deal', ownerId: D.D1, title: 'Лимит' },
        });
      expect((await issue()).status).toBe(201);
      const limited = await issue();
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({ code: 'rate_limited' });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await small?.close();
    }
  });
});
