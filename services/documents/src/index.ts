export { type AclDriver, type AclGrant, createAclDriver, NoopAclDriver, PosixAclDriver } from './acl/acl-driver.js';
export { DocumentsModule, type DocumentsModuleDeps } from './app.module.js';
export {
  createDocumentsService,
  type DocumentsServiceOptions,
  type RunningDocumentsService,
} from './create-documents-service.js';
export { DOCUMENTS_SCHEMA } from './db/schema.js';
export {
  type DocumentsConfig,
  type DocumentsEnv,
  documentsConfigSchema,
  loadDocumentsConfig,
  toDocumentsConfig,
} from './documents.config.js';
export { DOCUMENTS_ROUTES } from './documents.routes.js';
export { CRM_EVENT_BINDINGS } from './events/crm-events.consumer.js';
export { nextLocalTime } from './jobs/cleanup-scheduler.js';
export type { CleanupReport } from './jobs/document-worker.js';
export { LinkSigner } from './links/link-signer.js';
export { DOCUMENTS_MIGRATIONS_DIR, runDocumentsMigrations } from './migrations.js';
