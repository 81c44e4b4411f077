import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { Job } from '@polis/jobs';
import { LOGGER, type Logger } from '@polis/platform';
import { eq } from 'drizzle-orm';
import { fileTypeFromBuffer } from 'file-type';
import type { AclDriver } from '../acl/acl-driver.js';
import type { Clock } from '../common/clock.js';
import { DocumentsDb } from '../common/documents-db.js';
import { ContentService } from '../content/content.service.js';
import { SNIFF_BYTES } from '../content/file-types.js';
import { type DocumentRow, permissionsSyncTasks } from '../db/schema.js';
import { DocumentRepository } from '../documents/document.repository.js';
import { DocumentService } from '../documents/document.service.js';
import { resolveImportSource } from '../documents/import-source.js';
import type { DocumentsConfig } from '../documents.config.js';
import { ACL_DRIVER, CLOCK, DOCUMENTS_CONFIG, STORAGE } from '../documents.tokens.js';
import { DocumentsEvents } from '../events/documents.events.js';
import type { DocumentStorage } from '../storage/document-storage.js';
import { JOB_NAMES, type PermissionsJobData } from './job-queues.js';

const DAY_MS = 86_400_000;

export interface CleanupReport {
  tempFiles: number;
  stagedFiles: number;
  deletedFiles: number;
  warned: number;
  archived: number;
}

/**
 * The worker side of platform.md §3.5: imports, integrity checks, the daily cleanup (temp files,
 * crash leftovers, the 90-day retention) and ACL syncs. Handlers are idempotent, as jobs are
 * retried (5 attempts, exponential from 10 s); the last failure is recorded on the row and audited.
 */
@Injectable()
export class DocumentWorker {
  constructor(
    private readonly db: DocumentsDb,
    private readonly documents: DocumentRepository,
    private readonly documentService: DocumentService,
    private readonly content: ContentService,
    private readonly events: DocumentsEvents,
    @Inject(DOCUMENTS_CONFIG) private readonly config: DocumentsConfig,
    @Inject(STORAGE) private readonly storage: DocumentStorage,
    @Inject(ACL_DRIVER) private readonly acl: AclDriver,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  private isLastAttempt(job: Job): boolean {
    return job.attempt >= this.config.jobs.attempts;
  }

  async handleTask(job: Job): Promise<void> {
    const data = (job.data ?? {}) as { documentId?: string };
    switch (job.name) {
      case JOB_NAMES.upload:
        return this.failLoudly(job, data.documentId, () => this.importFile(data.documentId as string));
      case JOB_NAMES.sync:
        return this.failLoudly(job, data.documentId, () => this.sync(data.documentId as string));
      case JOB_NAMES.cleanup:
        await this.cleanup();
        return;
      default:
        this.logger.error({ job: job.name }, 'unknown documents job; dropped');
    }
  }

  private async failLoudly(job: Job, documentId: string | undefined, work: () => Promise<void>): Promise<void> {
    if (typeof documentId !== 'string') return;
    try {
      await work();
    } catch (error) {
      if (!this.isLastAttempt(job)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      await this.db.write(async (tx) => {
        const row = await this.documents.find(tx, documentId, true);
        if (!row) return;
        await this.documents.update(tx, documentId, { status: 'error', lastError: message.slice(0, 2000) });
        await this.events.audit(tx, {
          action: job.name === JOB_NAMES.upload ? 'file.import_failed' : 'file.sync_failed',
          documentId,
          ownerType: row.ownerType,
          ownerId: row.ownerId,
          actorId: null,
          actorType: 'system',
          outcome: 'failure',
          details: { error: message.slice(0, 500) },
        });
      });
      throw error;
    }
  }

  /** `documents.upload`: copies an import from `source_uri` (hashing on the way) and marks it synced. */
  async importFile(documentId: string): Promise<void> {
    const row = await this.db.read((tx) => this.documents.find(tx, documentId));
    if (!row || row.deletedAt !== null || row.sourceUri === null) return;
    if (row.status !== 'draft' && row.status !== 'error') return;
    const source = resolveImportSource(this.config.importRoot, row.sourceUri);
    const head = Buffer.alloc(SNIFF_BYTES);
    const handle = await open(source, 'r');
    let headLength: number;
    try {
      headLength = (await handle.read(head, 0, SNIFF_BYTES, 0)).bytesRead;
    } finally {
      await handle.close();
    }
    const detected = await fileTypeFromBuffer(head.subarray(0, headLength));
    const sha256 = createHash('sha256');
    const md5 = createHash('md5');
    let size = 0;
    const temp = this.storage.newTempPath();
    await pipeline(
      createReadStream(source),
      new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          sha256.update(chunk);
          md5.update(chunk);
          size += chunk.length;
          callback(null, chunk);
        },
      }),
      createWriteStream(await this.storage.resolve(temp), { flags: 'wx', mode: 0o640 }),
    );
    try {
      await this.content.store(
        documentId,
        temp,
        {
          size,
          sha256: sha256.digest('hex'),
          md5: md5.digest('hex'),
          type: detected
            ? { mime: detected.mime, ext: detected.ext }
            : { mime: 'application/octet-stream', ext: 'bin' },
        },
        row.authorId ?? 'system',
        'import',
      );
    } catch (error) {
      await this.storage.remove(temp).catch(() => false);
      throw error;
    }
  }

  /** `documents.sync`: re-hashes the stored file; a mismatch with what was received or declared is an error. */
  async sync(documentId: string): Promise<void> {
    const row = await this.db.read((tx) => this.documents.find(tx, documentId));
    if (!row || row.deletedAt !== null || row.storagePath === null) return;
    const size = await this.storage.size(row.storagePath);
    if (size === null) {
      await this.markError(row, 'file_missing');
      return;
    }
    const digest = await this.storage.digest(row.storagePath);
    const declared = row.metadata.clientChecksum;
    const consistent =
      digest.sha256 === row.checksumSha256 &&
      digest.size === row.size &&
      (declared === undefined || declared === digest.sha256 || declared === digest.md5);
    if (!consistent) {
      await this.markError(row, 'checksum_mismatch');
      return;
    }
    await this.db.write(async (tx) => {
      const current = await this.documents.find(tx, documentId, true);
      if (!current || current.deletedAt !== null || current.storagePath !== row.storagePath) return;
      const settled = current.status === 'uploaded' || current.status === 'synced';
      await this.documents.update(tx, documentId, {
        ...(settled ? { status: 'synced' as const, lastError: null } : {}),
        syncedAt: this.clock.now(),
        size: digest.size,
        checksumMd5: digest.md5,
      });
    });
  }

  private async markError(row: DocumentRow, reason: string): Promise<void> {
    await this.db.write(async (tx) => {
      await this.documents.update(tx, row.id, { status: 'error', lastError: reason });
      await this.events.audit(tx, {
        action: 'file.integrity_failed',
        documentId: row.id,
        ownerType: row.ownerType,
        ownerId: row.ownerId,
        actorId: null,
        actorType: 'system',
        outcome: 'failure',
        details: { reason },
      });
    });
  }

  /** `documents.cleanup` (daily): temp files, crash leftovers, deleted files, retention warnings and expiry. */
  async cleanup(): Promise<CleanupReport> {
    const now = this.clock.now();
    const report: CleanupReport = { tempFiles: 0, stagedFiles: 0, deletedFiles: 0, warned: 0, archived: 0 };
    report.tempFiles = await this.storage.sweepTemp(this.config.retention.tempMaxAgeMs, now);

    const staleBefore = new Date(now.getTime() - this.config.retention.tempMaxAgeMs);
    for (const row of await this.db.read((tx) => this.documents.staleStaged(tx, staleBefore))) {
      const staged = row.stagedPath as string;
      if (staged !== row.storagePath && (await this.storage.remove(staged))) report.stagedFiles += 1;
      await this.db.write((tx) => this.documents.update(tx, row.id, { stagedPath: null, stagedAt: null }));
    }

    for (const row of await this.db.read((tx) => this.documents.deletedWithFiles(tx))) {
      await this.documentService.removeDeletedFile(row);
      report.deletedFiles += 1;
    }

    const warnUntil = new Date(now.getTime() + this.config.retention.warningDays * DAY_MS);
    for (const row of await this.db.read((tx) => this.documents.dueForWarning(tx, warnUntil))) {
      if ((row.retentionUntil as Date).getTime() <= now.getTime()) continue;
      await this.db.write(async (tx) => {
        await this.documents.update(tx, row.id, { retentionWarnedAt: now });
        await this.events.emit(tx, [
          {
            key: 'document.retention.expiring',
            subject: row.id,
            data: {
              documentId: row.id,
              ownerType: row.ownerType,
              ownerId: row.ownerId,
              title: row.name,
              authorId: row.authorId,
              retentionUntil: (row.retentionUntil as Date).toISOString(),
            },
          },
        ]);
      });
      report.warned += 1;
    }

    for (const row of await this.db.read((tx) => this.documents.dueForArchive(tx, now))) {
      await this.expire(row, now);
      report.archived += 1;
    }
    this.logger.info({ ...report }, 'documents cleanup finished');
    return report;
  }

  /** Archives (moves under `.archive/YYYY/MM/`) or deletes an expired import's file, then records it. */
  private async expire(row: DocumentRow, now: Date): Promise<void> {
    const mode = this.config.retention.mode;
    let storagePath: string | null = row.storagePath;
    if (row.storagePath !== null) {
      if (mode === 'archive') {
        storagePath =
          (await this.storage.size(row.storagePath)) === null ? null : await this.storage.archive(row.storagePath, now);
      } else {
        await this.storage.remove(row.storagePath);
        storagePath = null;
      }
    }
    await this.db.write(async (tx) => {
      await this.documents.update(tx, row.id, { archivedAt: now, storagePath, publicUrl: null });
      await this.events.emit(tx, [
        {
          key: 'document.archived',
          subject: row.id,
          data: {
            documentId: row.id,
            ownerType: row.ownerType,
            ownerId: row.ownerId,
            mode,
            archivedAt: now.toISOString(),
          },
        },
      ]);
      await this.events.audit(tx, {
        action: 'file.archived',
        documentId: row.id,
        ownerType: row.ownerType,
        ownerId: row.ownerId,
        actorId: null,
        actorType: 'system',
        details: { mode, retentionUntil: row.retentionUntil?.toISOString() ?? '' },
      });
    });
  }

  /** `permissions.sync`: the folder's named-user ACL becomes exactly the listed users. */
  async handlePermissions(job: Job): Promise<void> {
    const data = job.data as PermissionsJobData;
    const markTask = (status: 'applied' | 'failed' | 'expired', error: string | null) =>
      this.db.write(async (tx) => {
        await tx
          .update(permissionsSyncTasks)
          .set({ status, error, completedAt: this.clock.now() })
          .where(eq(permissionsSyncTasks.id, data.taskId));
        await this.events.audit(tx, {
          action: 'acl.synced',
          ownerType: data.ownerType as DocumentRow['ownerType'],
          ownerId: data.ownerId,
          actorId: null,
          actorType: 'system',
          outcome: status === 'applied' ? 'success' : 'failure',
          details: { taskId: data.taskId, status, users: data.users.length, ...(error ? { error } : {}) },
        });
      });
    if (this.clock.now().getTime() > data.expiresAt) {
      await markTask('expired', 'the job waited longer than its TTL');
      return;
    }
    try {
      const grants = [];
      const unmapped: string[] = [];
      for (const user of data.users) {
        const uid = this.config.storage.aclUserMap[user.userId.toLowerCase()];
        if (uid === undefined) unmapped.push(user.userId);
        else grants.push({ uid, role: user.role });
      }
      const folder = await this.storage.resolve(data.folderPath);
      await this.acl.apply(folder, grants);
      await markTask('applied', unmapped.length > 0 ? `no uid configured for ${unmapped.join(', ')}` : null);
    } catch (error) {
      if (!this.isLastAttempt(job)) throw error;
      await markTask('failed', error instanceof Error ? error.message : String(error));
      throw error;
    }
  }
}
