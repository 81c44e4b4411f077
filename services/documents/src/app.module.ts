import { type DynamicModule, Module } from '@nestjs/common';
import { AuthKitModule, type JwtVerifier } from '@polis/auth-kit';
import type { Cache } from '@polis/cache';
import type { Database, OutboxRelay } from '@polis/db';
import { OwnerAccess } from './access/owner-access.js';
import type { AclDriver } from './acl/acl-driver.js';
import type { Clock } from './common/clock.js';
import { DocumentsDb } from './common/documents-db.js';
import { ContentRoutes } from './content/content.routes.js';
import { ContentService } from './content/content.service.js';
import { DocumentController } from './documents/document.controller.js';
import { DocumentRepository } from './documents/document.repository.js';
import { DocumentService } from './documents/document.service.js';
import type { DocumentsConfig } from './documents.config.js';
import {
  ACL_DRIVER,
  CACHE,
  CLOCK,
  DATABASE,
  DOCUMENTS_CONFIG,
  JOB_QUEUES,
  LINK_SIGNER,
  OUTBOX_RELAY,
  STORAGE,
} from './documents.tokens.js';
import { DocumentsEvents } from './events/documents.events.js';
import { FolderController } from './folders/folder.controller.js';
import { FolderRepository } from './folders/folder.repository.js';
import { FolderService } from './folders/folder.service.js';
import { DocumentWorker } from './jobs/document-worker.js';
import { DocumentJobs, type DocumentQueues } from './jobs/job-queues.js';
import type { LinkSigner } from './links/link-signer.js';
import { PermissionsController } from './permissions/permissions.controller.js';
import type { DocumentStorage } from './storage/document-storage.js';

/** What the composition root owns and hands in (it also closes them). */
export interface DocumentsModuleDeps {
  config: DocumentsConfig;
  db: Database;
  relay: OutboxRelay;
  /** Documents' cache: upload nonces and locks, visibility answers. */
  cache: Cache;
  queues: DocumentQueues;
  storage: DocumentStorage;
  signer: LinkSigner;
  acl: AclDriver;
  clock: Clock;
  verifier: JwtVerifier;
  /** Auth's cache, read for `auth:disabled:<userId>`. */
  authCache: Cache;
}

@Module({})
export class DocumentsModule {
  static create(deps: DocumentsModuleDeps): DynamicModule {
    return {
      module: DocumentsModule,
      imports: [AuthKitModule.forRoot({ verifier: deps.verifier, cache: deps.authCache })],
      controllers: [FolderController, DocumentController, PermissionsController],
      providers: [
        { provide: DOCUMENTS_CONFIG, useValue: deps.config },
        { provide: DATABASE, useValue: deps.db },
        { provide: OUTBOX_RELAY, useValue: deps.relay },
        { provide: CACHE, useValue: deps.cache },
        { provide: JOB_QUEUES, useValue: deps.queues },
        { provide: STORAGE, useValue: deps.storage },
        { provide: LINK_SIGNER, useValue: deps.signer },
        { provide: ACL_DRIVER, useValue: deps.acl },
        { provide: CLOCK, useValue: deps.clock },
        DocumentsDb,
        DocumentsEvents,
        OwnerAccess,
        FolderRepository,
        FolderService,
        DocumentRepository,
        DocumentService,
        DocumentJobs,
        ContentService,
        ContentRoutes,
        DocumentWorker,
      ],
    };
  }
}
