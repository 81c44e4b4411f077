import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Cache } from '@polis/cache';
import type {
  CreateDocumentResponse,
  completeUploadRequestSchema,
  createDocumentRequestSchema,
  DocumentInfo,
  DocumentStatus,
  ParsedDocumentsQuery,
  QueuedJob,
  UploadUrlResponse,
  updateDocumentRequestSchema,
} from '@polis/contracts';
import { Conflict, Forbidden, LOGGER, type Logger, TooManyRequests } from '@polis/platform';
import type { z } from 'zod';
import type { Caller } from '../common/caller.js';
import type { Clock } from '../common/clock.js';
import { DocumentsDb } from '../common/documents-db.js';
import { alreadyDeleted, checksumMismatch, documentNotFound, uploadConflict } from '../common/errors.js';
import type { DocumentMetadata, DocumentRow } from '../db/schema.js';
import type { DocumentsConfig } from '../documents.config.js';
import { CACHE, CLOCK, DOCUMENTS_CONFIG, LINK_SIGNER, STORAGE } from '../documents.tokens.js';
import { actorTypeOf, DocumentsEvents } from '../events/documents.events.js';
import { FolderService } from '../folders/folder.service.js';
import { DocumentJobs } from '../jobs/job-queues.js';
import type { LinkSigner } from '../links/link-signer.js';
import type { DocumentStorage } from '../storage/document-storage.js';
import { type DocumentPatch, DocumentRepository, type OwnerKey } from './document.repository.js';
import { toDocument } from './document.view.js';
import { resolveImportSource } from './import-source.js';

type CreateInput = z.output<typeof createDocumentRequestSchema>;
type UpdateInput = z.output<typeof updateDocumentRequestSchema>;
type CompleteInput = z.output<typeof completeUploadRequestSchema>;

/** Statuses in which new bytes may still arrive. */
export const UPLOADABLE: readonly DocumentStatus[] = ['pending_upload', 'uploading', 'error'];
/** Statuses in which the file can be downloaded. */
export const DOWNLOADABLE: readonly DocumentStatus[] = ['uploading', 'uploaded', 'synced'];
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const OWNER_CHECK_CONCURRENCY = 8;

/** Documents' use cases: metadata, the upload handshake, downloads, deletion, retention. */
@Injectable()
export class DocumentService {
  constructor(
    private readonly db: DocumentsDb,
    private readonly documents: DocumentRepository,
    private readonly folders: FolderService,
    private readonly events: DocumentsEvents,
    private readonly jobs: DocumentJobs,
    @Inject(DOCUMENTS_CONFIG) private readonly config: DocumentsConfig,
    @Inject(LINK_SIGNER) private readonly signer: LinkSigner,
    @Inject(STORAGE) private readonly storage: DocumentStorage,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CACHE) private readonly cache: Cache,
  ) {}

  /** Signed-URL issuing is limited per user and hour (platform.md §1.9); services are not limited. */
  private async countLink(caller: Caller): Promise<void> {
    if (caller.isService) return;
    const window = Math.floor(this.clock.now().getTime() / HOUR_MS);
    const counter = await this.cache.increment(`rl:documents-links:${caller.actorId}:${window}`, HOUR_MS);
    if (counter.value > this.config.links.perUserPerHour) throw new TooManyRequests(counter.ttlMs / 1000);
  }

  uploadUrlFor(documentId: string, userId: string): { uploadUrl: string; expiresIn: number } {
    const ttl = this.config.links.uploadTtlSeconds;
    const { query } = this.signer.sign(
      { method: 'PUT', documentId, maxBytes: this.config.maxUploadBytes, userId },
      ttl,
    );
    return { uploadUrl: `${this.config.links.uploadBase}/${documentId}/content?${query}`, expiresIn: ttl };
  }

  async create(caller: Caller, input: CreateInput): Promise<CreateDocumentResponse> {
    const importing = input.sourceUri !== undefined;
    if (importing && !caller.isAdmin) throw new Forbidden('Only administrators and services import files.');
    if (importing) resolveImportSource(this.config.importRoot, input.sourceUri as string);
    else await this.countLink(caller);
    const folder = await this.folders.ensureForOwner(caller, input.ownerType, input.ownerId);
    const metadata: DocumentMetadata = {};
    if (input.notes !== undefined && input.notes !== '') metadata.notes = input.notes;
    if (input.tags !== undefined) metadata.tags = input.tags;
    const row = await this.db.write((tx) =>
      this.documents.insert(tx, {
        id: randomUUID(),
        name: input.title,
        description: metadata.notes ?? null,
        metadata,
        status: importing ? 'draft' : 'pending_upload',
        ownerType: input.ownerType,
        ownerId: input.ownerId,
        folderPath: folder.storagePath,
        documentType: input.documentType ?? null,
        authorId: caller.actorId,
        sourceUri: input.sourceUri ?? null,
      }),
    );
    if (importing) {
      await this.jobs.upload(row.id);
      return { documentId: row.id, uploadUrl: null, expiresIn: null };
    }
    return { documentId: row.id, ...this.uploadUrlFor(row.id, caller.actorId) };
  }

  /** A live document the caller may see (404 otherwise, deleted ones included unless `allowDeleted`). */
  async visible(caller: Caller, id: string, allowDeleted = false): Promise<DocumentRow> {
    const row = await this.db.read((tx) => this.documents.find(tx, id));
    if (!row || (!allowDeleted && row.deletedAt !== null)) throw documentNotFound();
    if (!(await this.folders.canSeeOwner(caller, row.ownerType, row.ownerId))) throw documentNotFound();
    return row;
  }

  async get(caller: Caller, id: string): Promise<DocumentInfo> {
    return toDocument(await this.visible(caller, id));
  }

  async list(caller: Caller, query: ParsedDocumentsQuery): Promise<{ items: DocumentInfo[]; total: number }> {
    const filters = {
      ownerType: query.ownerType,
      ownerId: query.ownerId,
      documentTypes: query.documentTypes,
      status: query.status,
      search: query.search,
    };
    let owners: OwnerKey[] | undefined;
    if (!caller.isAdmin) {
      const candidates = await this.db.read((tx) => this.documents.owners(tx, filters));
      owners = await this.visibleOwners(caller, candidates);
    }
    const { rows, total } = await this.db.read((tx) =>
      this.documents.list(tx, filters, owners, { limit: query.limit, offset: query.offset }),
    );
    return { items: rows.map(toDocument), total };
  }

  private async visibleOwners(caller: Caller, candidates: OwnerKey[]): Promise<OwnerKey[]> {
    const visible: OwnerKey[] = [];
    for (let index = 0; index < candidates.length; index += OWNER_CHECK_CONCURRENCY) {
      const batch = candidates.slice(index, index + OWNER_CHECK_CONCURRENCY);
      const answers = await Promise.all(
        batch.map((owner) => this.folders.canSeeOwner(caller, owner.ownerType, owner.ownerId)),
      );
      batch.forEach((owner, position) => {
        if (answers[position]) visible.push(owner);
      });
    }
    return visible;
  }

  async update(caller: Caller, id: string, input: UpdateInput): Promise<DocumentInfo> {
    await this.visible(caller, id, true);
    return this.db.write(async (tx) => {
      const row = await this.documents.find(tx, id, true);
      if (!row) throw documentNotFound();
      if (row.deletedAt !== null) throw alreadyDeleted();
      const patch: DocumentPatch = {};
      const metadata: DocumentMetadata = { ...row.metadata };
      if (input.title !== undefined) patch.name = input.title;
      if (input.documentType !== undefined) patch.documentType = input.documentType === '' ? null : input.documentType;
      if (input.notes !== undefined) {
        if (input.notes === '') delete metadata.notes;
        else metadata.notes = input.notes;
        patch.description = metadata.notes ?? null;
      }
      if (input.tags !== undefined) {
        if (input.tags.length === 0) delete metadata.tags;
        else metadata.tags = input.tags;
      }
      patch.metadata = metadata;
      return toDocument(await this.documents.update(tx, id, patch));
    });
  }

  /** A fresh upload link for a document still waiting for (or re-taking) its bytes. */
  async reissueUploadUrl(caller: Caller, id: string): Promise<UploadUrlResponse> {
    const row = await this.visible(caller, id);
    if (!UPLOADABLE.includes(row.status)) throw uploadConflict(row.status);
    await this.countLink(caller);
    return { documentId: id, ...this.uploadUrlFor(id, caller.actorId) };
  }

  async complete(caller: Caller, id: string, input: CompleteInput): Promise<DocumentInfo> {
    const seen = await this.visible(caller, id, true);
    // MD5 is not computed while receiving (see upload-receiver.ts): a client that confirms with
    // one gets it computed from the stored file now.
    let md5: string | null = seen.checksumMd5;
    if (md5 === null && input.checksum.length === 32 && seen.status === 'uploading' && seen.storagePath !== null) {
      md5 = (await this.storage.digest(seen.storagePath)).md5;
    }
    const outcome = await this.db.write(async (tx) => {
      const row = await this.documents.find(tx, id, true);
      if (!row) throw documentNotFound();
      if (row.deletedAt !== null) throw alreadyDeleted();
      if (row.status !== 'uploading' && row.status !== 'pending_upload') throw uploadConflict(row.status);
      if (row.status === 'pending_upload' || row.storagePath === null) {
        throw uploadConflict(row.status, 'No bytes have been received for this document yet.');
      }
      if (row.storagePath !== seen.storagePath) md5 = row.checksumMd5;
      const checksum = input.checksum;
      const matches = input.fileSize === row.size && (checksum === row.checksumSha256 || checksum === md5);
      const metadata = { ...row.metadata, clientChecksum: checksum };
      if (!matches) {
        await this.documents.update(tx, id, { status: 'error', lastError: 'checksum_mismatch', metadata });
        await this.events.audit(tx, {
          action: 'file.upload_rejected',
          documentId: id,
          ownerType: row.ownerType,
          ownerId: row.ownerId,
          actorId: caller.actorId,
          actorType: actorTypeOf(caller),
          outcome: 'failure',
          details: { reason: 'checksum_mismatch' },
        });
        return { mismatch: true as const };
      }
      const now = this.clock.now();
      const updated = await this.documents.update(tx, id, {
        status: 'uploaded',
        lastError: null,
        uploadedAt: now,
        checksumMd5: md5,
        metadata,
      });
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
            mimeType: row.mimeType,
            size: row.size,
            uploadedBy: caller.actorId,
            uploadedAt: now.toISOString(),
          },
        },
      ]);
      await this.events.audit(tx, {
        action: 'file.uploaded',
        documentId: id,
        ownerType: row.ownerType,
        ownerId: row.ownerId,
        actorId: caller.actorId,
        actorType: actorTypeOf(caller),
        details: { size: row.size ?? 0, sha256: row.checksumSha256 ?? '' },
      });
      return { mismatch: false as const, row: updated };
    });
    if (outcome.mismatch) throw checksumMismatch();
    await this.jobs.sync(id).catch((error: unknown) => {
      // The row is committed as uploaded; the daily cleanup or an admin re-queues the check.
      this.logger.error({ err: error, document_id: id }, 'queueing documents.sync failed');
    });
    return toDocument(outcome.row);
  }

  async delete(caller: Caller, id: string): Promise<void> {
    await this.visible(caller, id, true);
    const deleted = await this.db.write(async (tx) => {
      const row = await this.documents.find(tx, id, true);
      if (!row) throw documentNotFound();
      if (row.deletedAt !== null) throw alreadyDeleted();
      const now = this.clock.now();
      const updated = await this.documents.update(tx, id, { deletedAt: now, deletedBy: caller.actorId });
      await this.events.emit(tx, [
        {
          key: 'document.deleted',
          subject: id,
          data: {
            documentId: id,
            ownerType: row.ownerType,
            ownerId: row.ownerId,
            deletedAt: now.toISOString(),
            deletedBy: caller.actorId,
          },
        },
      ]);
      await this.events.audit(tx, {
        action: 'file.deleted',
        documentId: id,
        ownerType: row.ownerType,
        ownerId: row.ownerId,
        actorId: caller.actorId,
        actorType: actorTypeOf(caller),
      });
      return updated;
    });
    await this.removeDeletedFile(deleted);
  }

  /** Removes a deleted document's file, then forgets its path (the cleanup retries after a crash). */
  async removeDeletedFile(row: DocumentRow): Promise<void> {
    if (row.storagePath === null) return;
    await this.storage.remove(row.storagePath);
    await this.db.write((tx) => this.documents.update(tx, row.id, { storagePath: null }));
  }

  async requeue(caller: Caller, id: string, job: 'upload' | 'sync'): Promise<QueuedJob> {
    if (!caller.isAdmin) throw new Forbidden('Only administrators and services re-queue document jobs.');
    const row = await this.db.read((tx) => this.documents.find(tx, id));
    if (!row) throw documentNotFound();
    if (row.deletedAt !== null) throw alreadyDeleted();
    if (job === 'upload' && row.sourceUri === null) {
      throw new Conflict('The document was not imported; there is nothing to copy.', 'not_an_import');
    }
    if (job === 'sync' && row.storagePath === null) {
      throw new Conflict('The document has no file yet.', 'upload_conflict', { details: { status: row.status } });
    }
    if (job === 'upload') await this.jobs.upload(id);
    else await this.jobs.sync(id);
    return { id, status: 'queued' };
  }

  async extendRetention(caller: Caller, id: string): Promise<DocumentInfo> {
    await this.visible(caller, id);
    return this.db.write(async (tx) => {
      const row = await this.documents.find(tx, id, true);
      if (!row || row.deletedAt !== null) throw documentNotFound();
      if (row.retentionUntil === null || row.archivedAt !== null) {
        throw new Conflict('The document has no retention period to extend.', 'retention_not_applicable');
      }
      const retentionUntil = new Date(row.retentionUntil.getTime() + this.config.retention.days * DAY_MS);
      const updated = await this.documents.update(tx, id, { retentionUntil, retentionWarnedAt: null });
      await this.events.audit(tx, {
        action: 'retention.extended',
        documentId: id,
        ownerType: row.ownerType,
        ownerId: row.ownerId,
        actorId: caller.actorId,
        actorType: actorTypeOf(caller),
        details: { retentionUntil: retentionUntil.toISOString() },
      });
      return toDocument(updated);
    });
  }

  /** The signed GET link `download` redirects to. */
  async downloadUrl(caller: Caller, id: string): Promise<string> {
    const row = await this.visible(caller, id);
    if (!DOWNLOADABLE.includes(row.status) || row.storagePath === null) {
      throw new Conflict('The document has no file to download yet.', 'not_downloadable', {
        details: { status: row.status },
      });
    }
    await this.countLink(caller);
    const { query } = this.signer.sign(
      { method: 'GET', documentId: id, maxBytes: 0, userId: caller.actorId },
      this.config.links.downloadTtlSeconds,
    );
    return `${this.config.links.downloadBase}/${id}/content?${query}`;
  }
}
