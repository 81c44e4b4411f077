import type { IncomingMessage } from 'node:http';
import { basename } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { Cache } from '@polis/cache';
import type { DocumentStatus } from '@polis/contracts';
import { isUniqueViolation } from '@polis/db';
import { Forbidden, LOGGER, type Logger } from '@polis/platform';
import { type Clock, localDate } from '../common/clock.js';
import { DocumentsDb } from '../common/documents-db.js';
import { documentNotFound, fileTooLarge, quotaExceeded, uploadConflict } from '../common/errors.js';
import type { DocumentRow } from '../db/schema.js';
import { DocumentRepository } from '../documents/document.repository.js';
import { DOWNLOADABLE, UPLOADABLE } from '../documents/document.service.js';
import type { DocumentsConfig } from '../documents.config.js';
import { CACHE, CLOCK, DOCUMENTS_CONFIG, LINK_SIGNER, STORAGE } from '../documents.tokens.js';
import { actorTypeOf, DocumentsEvents } from '../events/documents.events.js';
import { publicUrlOf } from '../folders/folder.view.js';
import type { LinkClaims, LinkQuery, LinkSigner } from '../links/link-signer.js';
import type { DocumentStorage } from '../storage/document-storage.js';
import { documentFileName } from '../storage/storage-paths.js';
import { type ReceivedFile, receiveUpload } from './upload-receiver.js';

/** Statuses an import may (re)place the file in. */
const IMPORTABLE = ['draft', 'error'] as const satisfies readonly DocumentStatus[];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface DownloadTarget {
  row: DocumentRow & { storagePath: string };
  claims: LinkClaims;
  size: number;
  fileName: string;
}

/**
 * The signed content route (platform.md §3.4): the signature is the credential, so nothing here
 * asks who the caller is. Uploads stream into a temp file inside the root and are moved into
 * place atomically; the row records the staged path first, so a crash between the move and the
 * commit leaves a file the cleanup removes, never a row pointing at nothing.
 */
@Injectable()
export class ContentService {
  constructor(
    private readonly db: DocumentsDb,
    private readonly documents: DocumentRepository,
    private readonly events: DocumentsEvents,
    @Inject(DOCUMENTS_CONFIG) private readonly config: DocumentsConfig,
    @Inject(LINK_SIGNER) private readonly signer: LinkSigner,
    @Inject(STORAGE) private readonly storage: DocumentStorage,
    @Inject(CACHE) private readonly cache: Cache,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  private async findLive(id: string): Promise<DocumentRow> {
    if (!UUID.test(id)) throw documentNotFound();
    const row = await this.db.read((tx) => this.documents.find(tx, id));
    if (!row || row.deletedAt !== null) throw documentNotFound();
    return row;
  }

  /** The upload cap in force: the smaller of the link's and the current configuration's. */
  uploadLimit(claims: LinkClaims): number {
    return Math.min(claims.maxBytes, this.config.maxUploadBytes);
  }

  async upload(id: string, query: LinkQuery, request: IncomingMessage): Promise<void> {
    const claims = this.signer.verify('PUT', id.toLowerCase(), query);
    const row = await this.findLive(id.toLowerCase());
    if (!UPLOADABLE.includes(row.status)) throw uploadConflict(row.status);
    const limit = this.uploadLimit(claims);
    const declaredLength = Number(request.headers['content-length'] ?? Number.NaN);
    if (Number.isFinite(declaredLength) && declaredLength > limit) throw fileTooLarge(limit);
    await this.assertQuota(Number.isFinite(declaredLength) ? declaredLength : 0, row);

    const nowSeconds = Math.floor(this.clock.now().getTime() / 1000);
    const nonceTtl = Math.max(1, claims.expires - nowSeconds) * 1000 + 1000;
    const fresh = await this.cache.set(`upload-nonce:${claims.nonce}`, row.id, {
      onlyIfAbsent: true,
      ttlMs: nonceTtl,
    });
    if (!fresh) throw new Forbidden('This upload link has already been used.', 'invalid_upload_token');
    const lockKey = `upload-lock:${row.id}`;
    const locked = await this.cache.set(lockKey, String(query.token), {
      onlyIfAbsent: true,
      ttlMs: this.config.links.uploadTtlSeconds * 1000,
    });
    if (!locked) throw uploadConflict(row.status, 'Another upload to this document is in progress.');
    try {
      const temp = this.storage.newTempPath();
      const received = await receiveUpload(request, await this.storage.resolve(temp), {
        maxBytes: limit,
        declaredType: request.headers['content-type'],
      });
      try {
        await this.assertQuota(received.size, row);
        await this.store(row.id, temp, received, claims.userId, 'upload');
      } catch (error) {
        await this.storage.remove(temp).catch(() => false);
        throw error;
      }
    } finally {
      await this.cache.del(lockKey);
    }
  }

  private async assertQuota(incoming: number, row: DocumentRow): Promise<void> {
    const quota = this.config.storage.quotaBytes;
    if (quota === null) return;
    const used = await this.db.read((tx) => this.documents.usedBytes(tx));
    // A re-upload replaces the document's current file.
    const replaced = row.storagePath !== null ? (row.size ?? 0) : 0;
    if (used - replaced + incoming > quota) throw quotaExceeded();
    if ((used - replaced + incoming) / quota >= 0.9) {
      this.logger.warn(
        { used_bytes: used + incoming, quota_bytes: quota },
        'document storage is above 90% of its quota',
      );
    }
  }

  /**
   * Moves a received temp file into the document's folder and points the row at it: an upload
   * becomes `uploading` (the client confirms with `complete`); an import is `synced` at once and
   * expires after the retention period.
   */
  async store(
    id: string,
    temp: string,
    received: ReceivedFile,
    actorId: string,
    mode: 'upload' | 'import',
  ): Promise<void> {
    const allowed = mode === 'upload' ? UPLOADABLE : IMPORTABLE;
    const current = await this.db.read((tx) => this.documents.find(tx, id));
    if (!current || current.deletedAt !== null) throw documentNotFound();
    if (!allowed.includes(current.status)) throw uploadConflict(current.status);
    const fileName = documentFileName(
      current.documentType,
      localDate(this.clock.now(), this.config.timeZone),
      current.name,
      received.type.ext,
    );
    await this.storage.ensureDir(current.folderPath);
    let target: string | undefined;
    for (let attempt = 0; attempt < 5 && target === undefined; attempt += 1) {
      const candidate = await this.storage.freeName(current.folderPath, fileName, (path) =>
        this.db.read((tx) => this.documents.isPathTaken(tx, path)),
      );
      try {
        // Step 1 (committed): the row remembers where the file is about to go.
        await this.db.write((tx) =>
          this.documents.update(tx, id, { stagedPath: candidate, stagedAt: this.clock.now() }),
        );
        target = candidate;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
    if (target === undefined) throw new Error(`no free file name for document ${id}`);
    // Step 2: the atomic move into place.
    await this.storage.move(temp, target);
    // Step 3 (committed): the row points at the file; the staged mark goes.
    const previous = current.storagePath;
    await this.db
      .write(async (tx) => {
        const row = await this.documents.find(tx, id, true);
        if (!row || row.deletedAt !== null || !allowed.includes(row.status)) {
          throw uploadConflict(row?.status ?? 'deleted');
        }
        const now = this.clock.now();
        const imported =
          mode === 'import'
            ? {
                status: 'synced' as const,
                uploadedAt: now,
                syncedAt: now,
                retentionUntil: new Date(now.getTime() + this.config.retention.days * 86_400_000),
                retentionWarnedAt: null,
              }
            : { status: 'uploading' as const };
        await this.documents.update(tx, id, {
          ...imported,
          storagePath: target,
          publicUrl: publicUrlOf(this.config.folders.webBaseUrl, target),
          stagedPath: null,
          stagedAt: null,
          size: received.size,
          checksumSha256: received.sha256,
          checksumMd5: received.md5 ?? null,
          mimeType: received.type.mime,
          lastError: null,
        });
        if (mode === 'import') {
          await this.events.emit(tx, [
            {
              key: 'document.uploaded',
              subject: id,
              data: {
                documentId: id,
                ownerType: row.ownerType,
                ownerId: row.ownerId,
                title: row.name,
                documentType: row.documentType,
                mimeType: received.type.mime,
                size: received.size,
                uploadedBy: actorId,
                uploadedAt: now.toISOString(),
              },
            },
          ]);
        }
        await this.events.audit(tx, {
          action: mode === 'import' ? 'file.imported' : 'file.received',
          documentId: id,
          ownerType: row.ownerType,
          ownerId: row.ownerId,
          actorId,
          actorType: actorTypeOf(actorId.startsWith('svc:') ? { isService: true } : { isService: false }),
          details: { size: received.size, mimeType: received.type.mime },
        });
      })
      .catch(async (error: unknown) => {
        await this.storage.remove(target as string).catch(() => false);
        await this.db
          .write((tx) => this.documents.update(tx, id, { stagedPath: null, stagedAt: null }))
          .catch(() => undefined);
        throw error;
      });
    if (previous !== null && previous !== target) await this.storage.remove(previous).catch(() => false);
  }

  /** Checks a signed GET link and finds the file it grants. */
  async downloadTarget(id: string, query: LinkQuery): Promise<DownloadTarget> {
    const claims = this.signer.verify('GET', id.toLowerCase(), query);
    const row = await this.findLive(id.toLowerCase());
    if (!DOWNLOADABLE.includes(row.status) || row.storagePath === null) throw documentNotFound();
    const size = await this.storage.size(row.storagePath);
    if (size === null) {
      this.logger.error({ document_id: row.id }, 'the file of a document is missing from storage');
      throw documentNotFound();
    }
    return { row: row as DownloadTarget['row'], claims, size, fileName: basename(row.storagePath) };
  }

  async auditDownload(target: DownloadTarget): Promise<void> {
    await this.db.write((tx) =>
      this.events.audit(tx, {
        action: 'file.downloaded',
        documentId: target.row.id,
        ownerType: target.row.ownerType,
        ownerId: target.row.ownerId,
        actorId: target.claims.userId,
        actorType: actorTypeOf({ isService: target.claims.userId.startsWith('svc:') }),
        details: { size: target.size },
      }),
    );
  }

  open(target: DownloadTarget, range?: { start: number; end: number }) {
    return this.storage.openRead(target.row.storagePath, range);
  }
}
