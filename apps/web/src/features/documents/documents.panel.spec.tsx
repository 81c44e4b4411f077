import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/lib/api';
import { type FetchCall, json, problem, renderWithProviders, testApi } from '@/test/render';
import { type PutFile, xhrPut } from './document-upload';
import { DocumentsPanel } from './documents.panel';

const DEAL_ID = '5d0f3c1e-8a2b-4c3d-9e4f-1a2b3c4d5e6f';
const DOC_ID = '9b2e1c3d-4f5a-4b6c-8d7e-0f1a2b3c4d5e';
const UPLOAD_URL = `http://gateway.test/api/v1/documents/${DOC_ID}/content?token=t&expires=1&kid=k1`;

const DOCUMENT = {
  id: DOC_ID,
  name: 'Заявление.pdf',
  description: null,
  metadata: { ownerType: 'deal', ownerId: DEAL_ID, documentType: 'policy', notes: null, tags: [] },
  status: 'synced',
  lastError: null,
  storagePath: 'Client/Deal/x.pdf',
  publicUrl: null,
  mimeType: 'application/pdf',
  size: 2048,
  checksumMd5: null,
  checksumSha256: null,
  authorId: null,
  uploadedAt: '2026-01-10T10:00:00.000Z',
  syncedAt: null,
  retentionUntil: null,
  archivedAt: null,
  createdAt: '2026-01-10T10:00:00.000Z',
  updatedAt: '2026-01-10T10:00:00.000Z',
};

function path(call: FetchCall) {
  return `${call.method} ${new URL(call.url).pathname.replace('/api/v1', '')}`;
}

function gateway(documents: () => unknown[] = () => []) {
  return testApi((call) => {
    switch (path(call)) {
      case 'GET /documents':
        return json(documents());
      case `GET /folders/deal/${DEAL_ID}`:
        return problem(404, 'folder_not_found');
      case 'POST /documents':
        return json({ documentId: DOC_ID, uploadUrl: UPLOAD_URL, expiresIn: 900 }, 201);
      case `POST /documents/${DOC_ID}/complete`:
        return json({ ...DOCUMENT, status: 'uploaded' });
      case `DELETE /documents/${DOC_ID}`:
        return new Response(null, { status: 204 });
      default:
        return problem(404, 'not_found');
    }
  });
}

async function chooseFile(user: ReturnType<typeof userEvent.setup>, name = 'Заявление.pdf') {
  const input = screen.getByLabelText('Выбрать файлы', { selector: 'input' }) as HTMLInputElement;
  await user.upload(input, new File(['%PDF-1.7 test'], name, { type: 'application/pdf' }));
}

describe('DocumentsPanel upload', () => {
  it('shows the upload progress, then completes with the size and SHA-256', async () => {
    let finish: () => void = () => undefined;
    const put = vi.fn<PutFile>(
      (_url, _file, { onProgress }) =>
        new Promise<void>((resolve) => {
          onProgress(5, 10);
          finish = resolve;
        }),
    );
    const api = gateway();
    renderWithProviders(
      <DocumentsPanel ownerType="deal" ownerId={DEAL_ID} put={put} hash={async () => 'ab'.repeat(32)} />,
      { api },
    );
    const user = userEvent.setup();
    await chooseFile(user);

    const bar = await screen.findByRole('progressbar', { name: 'Загрузка файла Заявление.pdf' });
    await vi.waitFor(() => expect(bar).toHaveAttribute('aria-valuenow', '50'));
    expect(put.mock.calls[0]?.[0]).toBe(UPLOAD_URL);
    finish();

    expect(await screen.findByText('Файл «Заявление.pdf» загружен')).toBeInTheDocument();
    const calls = api.fetch.calls.filter((call) => call.method === 'POST');
    expect(calls.map((call) => [path(call), call.body])).toEqual([
      ['POST /documents', { ownerType: 'deal', ownerId: DEAL_ID, title: 'Заявление.pdf', documentType: 'other' }],
      [`POST /documents/${DOC_ID}/complete`, { fileSize: 13, checksum: 'ab'.repeat(32) }],
    ]);
  });

  it.each([
    [413, 'file_too_large', 'Файл слишком большой (больше допустимого размера).'],
    [415, 'unsupported_media_type', 'Такой тип файла не принимается.'],
    [507, 'insufficient_storage', 'В хранилище закончилось место. Сообщите администратору.'],
  ])('explains a %i answer to the upload', async (status, code, message) => {
    const put = vi.fn<PutFile>(async () => {
      throw new ApiError({ status, code });
    });
    const api = gateway();
    renderWithProviders(
      <DocumentsPanel ownerType="deal" ownerId={DEAL_ID} put={put} hash={async () => 'ab'.repeat(32)} />,
      { api },
    );
    const user = userEvent.setup();
    await chooseFile(user);
    expect(await screen.findByText(message)).toBeInTheDocument();
    expect(api.fetch.calls.some((call) => call.url.includes('/complete'))).toBe(false);
  });
});

describe('DocumentsPanel list', () => {
  it('groups documents by type, links the download and deletes after confirmation', async () => {
    let documents: unknown[] = [DOCUMENT];
    const api = gateway(() => documents);
    renderWithProviders(<DocumentsPanel ownerType="deal" ownerId={DEAL_ID} />, { api });
    expect(await screen.findByRole('link', { name: 'Скачать Заявление.pdf' })).toHaveAttribute(
      'href',
      `http://gateway.test/api/v1/documents/${DOC_ID}/download`,
    );
    expect(screen.getByText('Полисы', { selector: 'p' })).toBeInTheDocument();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Удалить Заявление.pdf' }));
    const dialog = await screen.findByRole('dialog', { name: 'Удалить документ?' });
    documents = [];
    await user.click(within(dialog).getByRole('button', { name: 'Удалить' }));
    expect(await screen.findByText('В папке пока нет документов.')).toBeInTheDocument();
    expect(api.fetch.calls.some((call) => path(call) === `DELETE /documents/${DOC_ID}`)).toBe(true);
  });
});

describe('xhrPut', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends the raw file with the CSRF header and turns an error answer into an ApiError', async () => {
    const sent: { headers: Record<string, string>; body: unknown; credentials: boolean }[] = [];
    class FakeXhr {
      status = 0;
      responseText = '';
      withCredentials = false;
      upload: { onprogress: ((event: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = {
        onprogress: null,
      };
      onload: (() => void) | null = null;
      onerror: (() => void) | null = null;
      onabort: (() => void) | null = null;
      private readonly headers: Record<string, string> = {};
      open() {}
      setRequestHeader(name: string, value: string) {
        this.headers[name] = value;
      }
      getResponseHeader(name: string) {
        return name.toLowerCase() === 'content-type' ? 'application/problem+json' : null;
      }
      abort() {}
      send(body: unknown) {
        sent.push({ headers: this.headers, body, credentials: this.withCredentials });
        this.upload.onprogress?.({ lengthComputable: true, loaded: 3, total: 6 });
        this.status = 413;
        this.responseText = JSON.stringify({
          type: 'about:blank',
          title: 'Too large',
          status: 413,
          code: 'file_too_large',
        });
        this.onload?.();
      }
    }
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    // biome-ignore lint/suspicious/noDocumentCookie: the readable CSRF cookie the Gateway sets.
    document.cookie = 'crm_csrf=csrf-value';
    const progress = vi.fn();
    const file = new File(['abcdef'], 'a.pdf', { type: 'application/pdf' });
    await expect(xhrPut(UPLOAD_URL, file, { onProgress: progress })).rejects.toMatchObject({
      status: 413,
      code: 'file_too_large',
    });
    expect(progress).toHaveBeenCalledWith(3, 6);
    expect(sent).toEqual([
      {
        headers: { 'Content-Type': 'application/pdf', 'X-CSRF-Token': 'csrf-value' },
        body: file,
        credentials: true,
      },
    ]);
  });
});
