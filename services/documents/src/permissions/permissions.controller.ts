import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { type PermissionsSyncResponse, permissionsSyncRequestSchema } from '@polis/contracts';
import { Forbidden, parseInput } from '@polis/platform';
import { eq } from 'drizzle-orm';
import { type Caller, CurrentCaller } from '../common/caller.js';
import type { Clock } from '../common/clock.js';
import { DocumentsDb } from '../common/documents-db.js';
import { folderNotFound } from '../common/errors.js';
import { permissionsSyncTasks } from '../db/schema.js';
import type { DocumentsConfig } from '../documents.config.js';
import { CLOCK, DOCUMENTS_CONFIG } from '../documents.tokens.js';
import { FolderService } from '../folders/folder.service.js';
import { DocumentJobs } from '../jobs/job-queues.js';

/** `POST /internal/v1/permissions/sync` (CRM → Documents; services and admins only). */
@Controller('internal/v1/permissions')
export class PermissionsController {
  constructor(
    private readonly db: DocumentsDb,
    private readonly folders: FolderService,
    private readonly jobs: DocumentJobs,
    @Inject(DOCUMENTS_CONFIG) private readonly config: DocumentsConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('sync')
  @HttpCode(202)
  async sync(@CurrentCaller() caller: Caller, @Body() body: unknown): Promise<PermissionsSyncResponse> {
    if (!caller.isAdmin) throw new Forbidden('Only services and administrators sync folder permissions.');
    const input = parseInput(permissionsSyncRequestSchema, body, 'body');
    const folder = await this.folders.findByOwner(input.ownerType, input.ownerId.toLowerCase());
    if (!folder) throw folderNotFound();
    const taskId = randomUUID();
    const users = input.users.map((user) => ({ userId: user.userId.toLowerCase(), role: user.role }));
    await this.db.write((tx) =>
      tx.insert(permissionsSyncTasks).values({
        id: taskId,
        ownerType: folder.ownerType,
        ownerId: folder.ownerId,
        folderPath: folder.storagePath,
        users,
      }),
    );
    const ttlSeconds = this.config.jobs.permissionsJobTtlSeconds;
    let jobId: string;
    try {
      jobId = await this.jobs.permissions({
        taskId,
        ownerType: folder.ownerType,
        ownerId: folder.ownerId,
        folderPath: folder.storagePath,
        users,
        ttlSeconds,
        expiresAt: this.clock.now().getTime() + ttlSeconds * 1000,
      });
    } catch (error) {
      await this.db.write((tx) =>
        tx
          .update(permissionsSyncTasks)
          .set({ status: 'failed', error: 'queue_unavailable', completedAt: this.clock.now() })
          .where(eq(permissionsSyncTasks.id, taskId)),
      );
      throw error;
    }
    await this.db.write((tx) =>
      tx.update(permissionsSyncTasks).set({ jobId }).where(eq(permissionsSyncTasks.id, taskId)),
    );
    return { jobId, taskId };
  }
}
