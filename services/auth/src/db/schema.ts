import {
  bigint,
  bigserial,
  boolean,
  jsonb,
  pgSchema,
  text,
  timestamp,
  unique,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import type { JWK } from 'jose';

export const AUTH_SCHEMA = 'auth';
export const authSchema = pgSchema(AUTH_SCHEMA);

const timestamptz = (name: string) => timestamp(name, { withTimezone: true });

export const users = authSchema.table('users', {
  id: uuid('id').primaryKey(),
  email: varchar('email', { length: 255 }).notNull().unique(),
  passwordHash: varchar('password_hash', { length: 255 }),
  fullName: varchar('full_name', { length: 255 }),
  phone: varchar('phone', { length: 32 }),
  status: varchar('status', { length: 16, enum: ['invited', 'active', 'disabled'] }).notNull(),
  enabled: boolean('enabled').notNull(),
  technical: boolean('technical').notNull().default(false),
  lastLoginAt: timestamptz('last_login_at'),
  passwordChangedAt: timestamptz('password_changed_at'),
  mustChangePassword: boolean('must_change_password').notNull().default(false),
  temporaryPasswordExpiresAt: timestamptz('temporary_password_expires_at'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});
export type UserRow = typeof users.$inferSelect;

export const roles = authSchema.table('roles', {
  id: uuid('id').primaryKey(),
  name: varchar('name', { length: 64 }).notNull().unique(),
  description: varchar('description', { length: 255 }),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
});
export type RoleRow = typeof roles.$inferSelect;

export const userRoles = authSchema.table(
  'user_roles',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
    roleId: uuid('role_id')
      .notNull()
      .references(() => roles.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (table) => [unique().on(table.userId, table.roleId)],
);

export const telegramBindings = authSchema.table('telegram_bindings', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
  telegramId: bigint('telegram_id', { mode: 'number' }).notNull(),
  chatId: bigint('chat_id', { mode: 'number' }),
  username: varchar('username', { length: 64 }),
  linkedAt: timestamptz('linked_at').notNull().defaultNow(),
  revokedAt: timestamptz('revoked_at'),
});
export type TelegramBindingRow = typeof telegramBindings.$inferSelect;

export const signingKeys = authSchema.table('signing_keys', {
  kid: varchar('kid', { length: 128 }).primaryKey(),
  privateKey: text('private_key').notNull(),
  publicJwk: jsonb('public_jwk').$type<JWK>().notNull(),
  status: varchar('status', { length: 16, enum: ['current', 'previous', 'retired'] }).notNull(),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  retiredAt: timestamptz('retired_at'),
});
export type SigningKeyRow = typeof signingKeys.$inferSelect;
