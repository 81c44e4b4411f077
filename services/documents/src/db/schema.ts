import type { DocumentStatus, DocumentType, FolderOwnerType } from '@polis/contracts';
import { bigint, jsonb, pgSchema, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';

export const DOCUMENTS_SCHEMA = 'documents';
export const documentsSchema = pgSchema(DOCUMENTS_SCHEMA);

const timestamptz = (name: string) => timestamp(name, { withTimezone: true });

export const folders = documentsSchema.table('folders', {
  id: uuid('id').primaryKey(),
  ownerType: varchar('owner_type', { length: 16 }).$type<FolderOwnerType>().notNull(),
  ownerId: uuid('owner_id').notNull(),
  name: varchar('name', { length: 255 }).notNull(),
  storagePath: varchar('storage_path', { length: 2048 }).notNull(),
  parentPath: varchar('parent_path', { length: 2048 }),
  publicUrl: varchar('public_url', { length: 2048 }),
  metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

/** What `metadata` holds besides the indexed owner columns. */
export interface DocumentMetadata {
  notes?: string;
  tags?: string[];
  /** The checksum the client declared on `complete`. */
  clientChecksum?: string;
}

export const documents = documentsSchema.table('documents', {
  id: uuid('id').primaryKey(),
  name: varchar('name', { length: 255 }).notNull(),
  description: text('description'),
  storagePath: varchar('storage_path', { length: 2048 }),
  publicUrl: varchar('public_url', { length: 2048 }),
  mimeType: varchar('mime_type', { length: 255 }),
  size: bigint('size', { mode: 'number' }),
  checksumMd5: varchar('checksum_md5', { length: 32 }),
  checksumSha256: varchar('checksum_sha256', { length: 64 }),
  sourceUri: varchar('source_uri', { length: 2048 }),
  metadata: jsonb('metadata').$type<DocumentMetadata>().notNull().default({}),
  status: varchar('status', { length: 16 }).$type<DocumentStatus>().notNull().default('pending_upload'),
  lastError: text('last_error'),
  ownerType: varchar('owner_type', { length: 16 }).$type<FolderOwnerType>().notNull(),
  ownerId: uuid('owner_id').notNull(),
  folderPath: varchar('folder_path', { length: 2048 }).notNull(),
  documentType: varchar('document_type', { length: 16 }).$type<DocumentType>(),
  authorId: varchar('author_id', { length: 64 }),
  stagedPath: varchar('staged_path', { length: 2048 }),
  stagedAt: timestamptz('staged_at'),
  uploadedAt: timestamptz('uploaded_at'),
  syncedAt: timestamptz('synced_at'),
  retentionUntil: timestamptz('retention_until'),
  retentionWarnedAt: timestamptz('retention_warned_at'),
  archivedAt: timestamptz('archived_at'),
  deletedAt: timestamptz('deleted_at'),
  deletedBy: varchar('deleted_by', { length: 64 }),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});
export type DocumentRow = typeof documents.$inferSelect;
export type FolderRow = typeof folders.$inferSelect;

export interface AclUser {
  userId: string;
  role: 'viewer' | 'editor';
}

export const permissionsSyncTasks = documentsSchema.table('permissions_sync_tasks', {
  id: uuid('id').primaryKey(),
  ownerType: varchar('owner_type', { length: 16 }).$type<FolderOwnerType>().notNull(),
  ownerId: uuid('owner_id').notNull(),
  folderPath: varchar('folder_path', { length: 2048 }).notNull(),
  jobId: varchar('job_id', { length: 255 }),
  users: jsonb('users').$type<AclUser[]>().notNull(),
  status: varchar('status', { length: 16 })
    .$type<'queued' | 'applied' | 'failed' | 'expired'>()
    .notNull()
    .default('queued'),
  error: text('error'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  completedAt: timestamptz('completed_at'),
});

export const auditLog = documentsSchema.table('audit_log', {
  id: uuid('id').primaryKey(),
  action: varchar('action', { length: 64 }).notNull(),
  documentId: uuid('document_id'),
  ownerType: varchar('owner_type', { length: 16 }),
  ownerId: uuid('owner_id'),
  actorId: varchar('actor_id', { length: 64 }),
  actorType: varchar('actor_type', { length: 16 }).$type<'user' | 'service' | 'system'>().notNull(),
  details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
});
