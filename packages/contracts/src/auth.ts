import { z } from 'zod';

/* ----------------------------------------------------------------------------------------------
 * Reference data
 * -------------------------------------------------------------------------------------------- */

export const ROLES = {
  USER: 'ROLE_USER',
  ADMIN: 'ROLE_ADMIN',
  SALES_AGENT: 'ROLE_SALES_AGENT',
  EXECUTOR: 'ROLE_EXECUTOR',
  SERVICE: 'ROLE_SERVICE',
} as const;

/** Fixed ids of the seeded roles, so every service and the demo data can refer to them. */
export const ROLE_IDS = {
  ROLE_USER: '11111111-1111-1111-1111-111111111111',
  ROLE_ADMIN: '22222222-2222-2222-2222-222222222222',
  ROLE_SALES_AGENT: '33333333-3333-3333-3333-333333333333',
  ROLE_EXECUTOR: '44444444-4444-4444-4444-444444444444',
  ROLE_SERVICE: '55555555-5555-5555-5555-555555555555',
} as const;

/** Technical users without interactive login: the author of generated records and the bot. */
export const SYSTEM_USER_ID = '00000000-0000-4000-8000-000000000001';
export const SYSTEM_USER_EMAIL = 'system@crm.local';
export const TELEGRAM_BOT_USER_ID = '00000000-0000-4000-8000-000000000002';
export const TELEGRAM_BOT_USER_EMAIL = 'telegram-bot@crm.local';

/** Audit routing keys Auth publishes on `audit.events` (the CloudEvent `type` equals the key). */
export const AUTH_AUDIT_KEYS = [
  'auth.login.succeeded',
  'auth.login.failed',
  'auth.user.created',
  'auth.user.activated',
  'auth.user.updated',
  'auth.user.disabled',
  'auth.user.enabled',
  'auth.role.assigned',
  'auth.role.removed',
  'auth.role.created',
  'auth.token.reuse_detected',
  'auth.password.changed',
  'auth.telegram.linked',
  'auth.telegram.unlinked',
  'auth.bootstrap.admin_created',
  'auth.user.recovered',
] as const;
export type AuthAuditKey = (typeof AUTH_AUDIT_KEYS)[number];

/* ----------------------------------------------------------------------------------------------
 * Building blocks
 * -------------------------------------------------------------------------------------------- */

/** Any 8-4-4-4-12 hex id: the seeded role ids are not RFC 4122 v4, so `z.uuid()` would refuse them. */
export const idSchema = z.guid();

/** The login: trimmed and lower-cased before it is validated or stored. */
export const emailSchema = z.string().max(320).trim().toLowerCase().pipe(z.email().max(255));

/** A new password (register, activate, change): 8–72 characters. */
export const passwordSchema = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(72, 'must be at most 72 characters');

/**
 * A password presented at login. Anything from 1 to 72 characters is accepted so that a wrong
 * short password answers `invalid_credentials` (and counts as a failed attempt) like any other
 * wrong password, instead of a 400 that would reveal the password policy and skip the counter.
 */
export const loginPasswordSchema = z.string().min(1).max(72);

/** Opaque tokens (refresh, activation): generous bound, still far below any abuse size. */
export const opaqueTokenSchema = z.string().min(1).max(256);

export const fullNameSchema = z.string().trim().min(1).max(255);
export const phoneSchema = z
  .string()
  .trim()
  .max(32)
  .regex(/^\+?[0-9][0-9 ()-]{2,31}$/, 'must be a phone number');

/**
 * Role names are case-insensitive on input and stored as `ROLE_*`: `executor` → `ROLE_EXECUTOR`,
 * `sales agent` → `ROLE_SALES_AGENT`. Returns the canonical name (validate it with `roleNameSchema`).
 */
export function normalizeRoleName(input: string): string {
  const upper = input
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');
  return upper.startsWith('ROLE_') ? upper : `ROLE_${upper}`;
}

export const roleNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .transform(normalizeRoleName)
  .pipe(
    z
      .string()
      .max(64, 'must be at most 64 characters including the ROLE_ prefix')
      .regex(/^ROLE_[A-Z0-9_]+$/, 'must consist of letters, digits and underscores'),
  );

export const userStatusSchema = z.enum(['invited', 'active', 'disabled']);
export type UserStatus = z.infer<typeof userStatusSchema>;

/** Telegram user ids are positive integers below 2^52 (safe in JSON numbers). */
export const telegramIdSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** The same id as a path segment. */
export const telegramIdParamSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,15}$/, 'must be a Telegram user id')
  .transform(Number)
  .pipe(telegramIdSchema);

/* ----------------------------------------------------------------------------------------------
 * Requests (strict: unknown fields are rejected with 400)
 * -------------------------------------------------------------------------------------------- */

export const loginRequestSchema = z.strictObject({ email: emailSchema, password: loginPasswordSchema });
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const registerRequestSchema = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
  fullName: fullNameSchema.optional(),
});
export type RegisterRequest = z.infer<typeof registerRequestSchema>;

/** The token may instead come from the `crm_refresh_token` cookie (web app, cookie mode). */
export const refreshRequestSchema = z.strictObject({ refreshToken: opaqueTokenSchema.optional() });
export type RefreshRequest = z.infer<typeof refreshRequestSchema>;

export const logoutRequestSchema = z.strictObject({
  refreshToken: opaqueTokenSchema.optional(),
  /** Ends every session of the user, not only the presented one. */
  all: z.boolean().optional(),
});
export type LogoutRequest = z.infer<typeof logoutRequestSchema>;

export const changePasswordRequestSchema = z.strictObject({
  currentPassword: loginPasswordSchema,
  newPassword: passwordSchema,
});
export type ChangePasswordRequest = z.infer<typeof changePasswordRequestSchema>;

export const inviteRequestSchema = z.strictObject({
  email: emailSchema,
  fullName: fullNameSchema,
  phone: phoneSchema.optional(),
  /** `ROLE_USER` is always added. */
  roles: z.array(roleNameSchema).max(16).default([]),
});
export type InviteRequest = z.input<typeof inviteRequestSchema>;
export type ParsedInviteRequest = z.output<typeof inviteRequestSchema>;

/**
 * `POST /auth/activate`: the token is an invitation's activation token, or the `changeToken` of a
 * `password_change_required` sign-in (then the password must differ from the current one).
 */
export const activateRequestSchema = z.strictObject({ token: opaqueTokenSchema, password: passwordSchema });
export type ActivateRequest = z.infer<typeof activateRequestSchema>;

export const updateUserRequestSchema = z
  .strictObject({
    fullName: fullNameSchema.optional(),
    /** `null` clears the phone. */
    phone: phoneSchema.nullable().optional(),
    /** `false` disables the account and ends every session at once. */
    enabled: z.boolean().optional(),
  })
  .refine((value) => Object.keys(value).length > 0, { message: 'at least one field must be given' });
export type UpdateUserRequest = z.infer<typeof updateUserRequestSchema>;

export const addRoleRequestSchema = z.strictObject({ roleName: roleNameSchema });
export type AddRoleRequest = z.input<typeof addRoleRequestSchema>;

export const createRoleRequestSchema = z.strictObject({
  name: roleNameSchema,
  description: z.string().trim().max(255).optional(),
});
export type CreateRoleRequest = z.input<typeof createRoleRequestSchema>;

export const usersQuerySchema = z.strictObject({
  search: z.string().trim().min(1).max(255).optional(),
  role: roleNameSchema.optional(),
  status: userStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type UsersQuery = z.input<typeof usersQuerySchema>;
export type ParsedUsersQuery = z.output<typeof usersQuerySchema>;

export const userIdParamSchema = idSchema;
export const roleParamSchema = roleNameSchema;

export const telegramLinkRequestSchema = z.strictObject({
  confirmationCode: z.string().regex(/^[0-9]{6}$/, 'must be the 6-digit code'),
  telegramId: telegramIdSchema,
  /** When the bot already knows whom it expects, the code must belong to that user. */
  userId: idSchema.optional(),
  chatId: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).optional(),
  username: z.string().trim().min(1).max(64).optional(),
});
export type TelegramLinkRequest = z.infer<typeof telegramLinkRequestSchema>;

/** `DELETE /auth/telegram/link?userId=`: admins may unlink someone else. */
export const telegramUnlinkQuerySchema = z.strictObject({ userId: idSchema.optional() });
export type TelegramUnlinkQuery = z.infer<typeof telegramUnlinkQuerySchema>;

export const serviceTokenRequestSchema = z.strictObject({
  clientId: z.string().min(1).max(64),
  clientSecret: z.string().min(1).max(256),
});
export type ServiceTokenRequest = z.infer<typeof serviceTokenRequestSchema>;

export const telegramTokenRequestSchema = z.strictObject({ telegramId: telegramIdSchema });
export type TelegramTokenRequest = z.infer<typeof telegramTokenRequestSchema>;

/* ----------------------------------------------------------------------------------------------
 * Responses
 * -------------------------------------------------------------------------------------------- */

export const tokenPairSchema = z.object({
  tokenType: z.literal('Bearer'),
  accessToken: z.string(),
  /** Seconds. */
  expiresIn: z.number().int(),
  refreshToken: z.string(),
  /** Seconds. */
  refreshExpiresIn: z.number().int(),
});
export type TokenPair = z.infer<typeof tokenPairSchema>;

/** A machine or bot token: no refresh token, short-lived. */
export const accessTokenResponseSchema = z.object({
  tokenType: z.literal('Bearer'),
  accessToken: z.string(),
  expiresIn: z.number().int(),
});
export type AccessTokenResponse = z.infer<typeof accessTokenResponseSchema>;

export const roleSchema = z.object({
  id: idSchema,
  name: z.string(),
  description: z.string().nullable(),
});
export type Role = z.infer<typeof roleSchema>;

export const userSchema = z.object({
  id: idSchema,
  email: z.string(),
  fullName: z.string().nullable(),
  phone: z.string().nullable(),
  enabled: z.boolean(),
  status: userStatusSchema,
  roles: z.array(roleSchema),
  telegramLinked: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type User = z.infer<typeof userSchema>;

export const usersPageSchema = z.object({ items: z.array(userSchema), total: z.number().int() });
export type UsersPage = z.infer<typeof usersPageSchema>;

/**
 * `details` of the 403 `password_change_required` problem of `POST /auth/token`: the password was
 * right, but the account must set a new one first (bootstrap administrator, recovered account).
 * `changeToken` goes to `POST /auth/activate` with the new password; it is single-use.
 */
export const PASSWORD_CHANGE_REQUIRED = 'password_change_required';
export const passwordChangeRequiredDetailsSchema = z.object({
  changeToken: opaqueTokenSchema,
  /** Seconds. */
  expiresIn: z.number().int().positive(),
});
export type PasswordChangeRequiredDetails = z.infer<typeof passwordChangeRequiredDetailsSchema>;

export const inviteResponseSchema = z.object({ id: idSchema, activationLink: z.string() });
export type InviteResponse = z.infer<typeof inviteResponseSchema>;

/** `GET /users/directory`: enabled people, for pickers (assignee, deal team). */
export const directoryEntrySchema = z.object({
  id: idSchema,
  fullName: z.string().nullable(),
  email: z.string(),
  roles: z.array(z.string()),
});
export type DirectoryEntry = z.infer<typeof directoryEntrySchema>;

export const telegramLinkCodeResponseSchema = z.object({
  code: z.string(),
  /** Seconds. */
  expiresIn: z.number().int(),
  deepLink: z.string(),
});
export type TelegramLinkCodeResponse = z.infer<typeof telegramLinkCodeResponseSchema>;

export const telegramLinkResponseSchema = z.object({ linked: z.literal(true), userId: idSchema });
export type TelegramLinkResponse = z.infer<typeof telegramLinkResponseSchema>;

export const telegramStatusSchema = z.object({
  linked: z.boolean(),
  telegramId: z.number().nullable(),
  linkedAt: z.string().nullable(),
});
export type TelegramStatus = z.infer<typeof telegramStatusSchema>;

/** What the bot learns about a Telegram user: `active` = binding live and account enabled. */
export const telegramBindingSchema = z.object({
  userId: idSchema,
  telegramId: z.number(),
  chatId: z.number().nullable(),
  username: z.string().nullable(),
  roles: z.array(z.string()),
  active: z.boolean(),
});
export type TelegramBinding = z.infer<typeof telegramBindingSchema>;

export const jwksSchema = z.object({
  keys: z.array(z.looseObject({ kty: z.string(), kid: z.string().optional(), alg: z.string().optional() })),
});
export type Jwks = z.infer<typeof jwksSchema>;

export const openIdConfigurationSchema = z.looseObject({
  issuer: z.string(),
  jwks_uri: z.string(),
  token_endpoint: z.string(),
  grant_types_supported: z.array(z.string()),
  id_token_signing_alg_values_supported: z.array(z.string()),
});
export type OpenIdConfiguration = z.infer<typeof openIdConfigurationSchema>;

/* ----------------------------------------------------------------------------------------------
 * Events
 * -------------------------------------------------------------------------------------------- */

/** `data` of every Auth event on `audit.events` (camelCase, see ARCHITECTURE.md §7). */
export const authAuditDataSchema = z.object({
  actorId: z.string().nullable(),
  actorType: z.enum(['user', 'service', 'system']),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  outcome: z.enum(['success', 'failure']),
  ip: z.string().optional(),
  userAgent: z.string().optional(),
  tags: z.record(z.string(), z.string()),
});
export type AuthAuditData = z.infer<typeof authAuditDataSchema>;
