import type { DocumentInfo, DocumentOwnerType, DocumentType } from '@polis/contracts';
import { ApiError, CSRF_COOKIE, CSRF_HEADER, readCookie } from '@/lib/api';
import type { DocumentsApi } from '@/lib/queries/documents.queries';
import { sha256Hex } from './sha256';

export type UploadPhase = 'preparing' | 'uploading' | 'completing' | 'done' | 'failed';

export interface UploadProgress {
  phase: UploadPhase;
  /** 0–100 of the bytes sent. */
  percent: number;
}

export interface PutOptions {
  onProgress: (sentBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
}

/** Sends the raw bytes to a signed upload link; resolves on 2xx, rejects with an ApiError otherwise. */
export type PutFile = (url: string, file: File, options: PutOptions) => Promise<void>;

function csrfToken(): string | null {
  return typeof document === 'undefined' ? null : readCookie(CSRF_COOKIE, document.cookie);
}

/**
 * PUT through XMLHttpRequest: fetch cannot report upload progress. The session cookie goes along,
 * so the CSRF header does too, as the API client sends it.
 */
export const xhrPut: PutFile = (url, file, { onProgress, signal }) =>
  new Promise<void>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    const csrf = csrfToken();
    if (csrf) xhr.setRequestHeader(CSRF_HEADER, csrf);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(file.size, file.size);
        resolve();
        return;
      }
      const headers = new Headers();
      const type = xhr.getResponseHeader('content-type');
      if (type) headers.set('content-type', type);
      void ApiError.fromResponse(
        new Response(xhr.status === 204 ? null : xhr.responseText || null, { status: xhr.status, headers }),
      ).then(reject, reject);
    };
    xhr.onerror = () => reject(ApiError.network(new Error('upload failed')));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });

/** The signed link may be absolute (the usual case) or relative to the API's origin. */
export function resolveUploadUrl(uploadUrl: string, apiBaseUrl: string): string {
  const base = new URL(apiBaseUrl, globalThis.location?.origin);
  return new URL(uploadUrl, base).toString();
}

/** A document's title from its file name: at most 255 characters, never blank. */
export function titleOfFile(name: string): string {
  const trimmed = name.trim();
  return (trimmed === '' ? 'file' : trimmed).slice(0, 255);
}

export interface UploadDocumentInput {
  api: DocumentsApi;
  apiBaseUrl: string;
  ownerType: DocumentOwnerType;
  ownerId: string;
  file: File;
  documentType?: DocumentType;
  onProgress: (progress: UploadProgress) => void;
  signal?: AbortSignal;
  put?: PutFile;
  hash?: (file: File, signal?: AbortSignal) => Promise<string>;
}

/**
 * create → PUT the bytes to the signed link (progress) while hashing → complete with size and
 * SHA-256, which the service re-verifies.
 */
export async function uploadDocument({
  api,
  apiBaseUrl,
  ownerType,
  ownerId,
  file,
  documentType,
  onProgress,
  signal,
  put = xhrPut,
  hash = sha256Hex,
}: UploadDocumentInput): Promise<DocumentInfo> {
  if (file.size === 0) throw new ApiError({ status: 400, code: 'empty_file', detail: 'The file is empty.' });
  onProgress({ phase: 'preparing', percent: 0 });
  const created = await api.create({ ownerType, ownerId, title: titleOfFile(file.name), documentType });
  if (!created.uploadUrl) throw new ApiError({ status: 500, code: 'upload_url_missing' });
  const url = resolveUploadUrl(created.uploadUrl, apiBaseUrl);
  const checksum = hash(file, signal);
  // Settled even when the upload fails first, so a hashing error is never left unhandled.
  checksum.catch(() => undefined);
  onProgress({ phase: 'uploading', percent: 0 });
  await put(url, file, {
    signal,
    onProgress: (sent, total) =>
      onProgress({ phase: 'uploading', percent: total > 0 ? Math.min(100, Math.round((sent / total) * 100)) : 0 }),
  });
  onProgress({ phase: 'completing', percent: 100 });
  const document = await api.complete(created.documentId, { fileSize: file.size, checksum: await checksum });
  onProgress({ phase: 'done', percent: 100 });
  return document;
}
