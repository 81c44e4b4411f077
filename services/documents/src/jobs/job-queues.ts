import { Inject, Injectable } from '@nestjs/common';
import type { JobQueue } from '@polis/jobs';
import { Unavailable } from '@polis/platform';
import type { AclUser } from '../db/schema.js';
import type { DocumentsConfig } from '../documents.config.js';
import { DOCUMENTS_CONFIG, JOB_QUEUES } from '../documents.tokens.js';

/** The two BullMQ queues of platform.md §3.5 (in-process when embedded). */
export interface DocumentQueues {
  /** `DOCUMENTS_QUEUE_NAME`: `documents.upload`, `documents.sync`, `documents.cleanup`. */
  tasks: JobQueue;
  /** `DOCUMENTS_PERMISSIONS_SYNC_QUEUE_NAME`: `permissions.sync`. */
  permissions: JobQueue;
}

export const JOB_NAMES = {
  upload: 'documents.upload',
  sync: 'documents.sync',
  cleanup: 'documents.cleanup',
  permissions: 'permissions.sync',
} as const;

export interface PermissionsJobData {
  taskId: string;
  ownerType: string;
  ownerId: string;
  folderPath: string;
  users: AclUser[];
  ttlSeconds: number;
  /** Epoch ms after which the job is dropped as stale (`DOCUMENTS_PERMISSIONS_SYNC_JOB_TTL`). */
  expiresAt: number;
}

/** Enqueues Documents' jobs with the configured retries (5 attempts, exponential from 10 s). */
@Injectable()
export class DocumentJobs {
  constructor(
    @Inject(JOB_QUEUES) private readonly queues: DocumentQueues,
    @Inject(DOCUMENTS_CONFIG) private readonly config: DocumentsConfig,
  ) {}

  private options(jobId?: string) {
    return {
      attempts: this.config.jobs.attempts,
      backoffMs: this.config.jobs.backoffMs,
      ...(jobId ? { jobId } : {}),
    };
  }

  private async add(queue: JobQueue, name: string, data: unknown, jobId?: string): Promise<string> {
    try {
      return await queue.add(name, data, this.options(jobId));
    } catch {
      throw new Unavailable('The job queue is not available; try again shortly.', 'queue_unavailable');
    }
  }

  upload(documentId: string): Promise<string> {
    return this.add(this.queues.tasks, JOB_NAMES.upload, { documentId }, `upload-${documentId}`);
  }

  sync(documentId: string): Promise<string> {
    return this.add(this.queues.tasks, JOB_NAMES.sync, { documentId }, `sync-${documentId}`);
  }

  cleanup(runKey: string): Promise<string> {
    return this.add(this.queues.tasks, JOB_NAMES.cleanup, { runKey }, `cleanup-${runKey}`);
  }

  permissions(data: PermissionsJobData): Promise<string> {
    return this.add(this.queues.permissions, JOB_NAMES.permissions, data, `permissions-${data.taskId}`);
  }
}
