export { addDays, type Clock, systemClock } from '@polis/platform';
export { CrmModule, type CrmModuleDeps } from './app.module.js';
export { type Caller, callerOf } from './common/caller.js';
export { type CrmServiceOptions, createCrmService, type RunningCrmService } from './create-crm-service.js';
export { type CrmConfig, type CrmEnv, crmConfigSchema, loadCrmConfig, toCrmConfig } from './crm.config.js';
export { CRM_ROUTES } from './crm.routes.js';
export { CRM_SCHEMA } from './db/schema.js';
export { type DocumentsClient, HttpDocumentsClient } from './documents/documents-client.js';
export { type CrmEvent, crmMessage } from './events/crm.events.js';
export { DEALS_STREAM_KEY, type ReplayEntry, ReplayLog } from './events/replay-log.js';
export { CRM_MIGRATIONS_DIR, runCrmMigrations } from './migrations.js';
export {
  DEMO_CRM_IDS,
  DEMO_CRM_USERS,
  type SeedCrmDemoOptions,
  type SeedCrmDemoResult,
  seedCrmDemo,
} from './seed/demo-data.js';
