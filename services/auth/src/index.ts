export { AuthModule, type AuthModuleDeps } from './app.module.js';
export { type AuthConfig, type AuthEnv, authConfigSchema, loadAuthConfig, toAuthConfig } from './auth.config.js';
export {
  type BootstrapDeps,
  type BootstrapOptions,
  type BootstrapResult,
  type EnsureUserOptions,
  ensureBootstrapAdmin,
  ensureUser,
  userIdByEmail,
} from './bootstrap/bootstrap-admin.js';
export { type AuthServiceOptions, createAuthService, type RunningAuthService } from './create-auth-service.js';
export { AUTH_SCHEMA } from './db/schema.js';
export { SigningKeyStore } from './keys/signing-key.store.js';
export { AUTH_MIGRATIONS_DIR, runAuthMigrations } from './migrations.js';
export {
  type RecoveryDeps,
  RecoveryError,
  type RecoveryErrorCode,
  type RecoveryResult,
  recoverAccount,
} from './recovery/account-recovery.js';
export { DEMO_PASSWORD, DEMO_USERS, seedDemoUsers } from './seed/demo-users.js';
