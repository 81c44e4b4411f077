/** Documents service contracts (interfaces.md §1.4, §2.2; platform.md §3). */
import { z } from 'zod';
import { idSchema } from './auth.js';

/* ----------------------------------------------------------------------------------------------
 * Reference data
 * -------------------------------------------------------------------------------------------- */

/** What a folder can belong to; payment folders sit inside their deal's or policy's folder. */
export const FOLDER_OWNER_TYPES = ['client', 'deal', 'policy', 'payment'] as const;
export type FolderOwnerType = (typeof FOLDER_OWNER_TYPES)[number];
/** What a document can belong to. */
export const DOCUMENT_OWNER_TYPES = FOLDER_OWNER_TYPES;
export type DocumentOwnerType = FolderOwnerType;

export const DOCUMENT_TYPES = ['policy', 'calculation', 'act', 'other'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export const DOCUMENT_STATUSES = ['draft', 'pending_upload', 'uploading', 'uploaded', 'synced', 'error'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export const ACL_ROLES = ['viewer', 'editor'] as const;
export type AclRole = (typeof ACL_ROLES)[number];

const ownerTypeSchema = z.enum(FOLDER_OWNER_TYPES);
const documentTypeSchema = z.enum(DOCUMENT_TYPES);
const documentStatusSchema = z.enum(DOCUMENT_STATUSES);
const titleSchema = z.string().trim().min(1).max(255);
const notesSchema = z.string().max(4000);
const tagsSchema = z.array(z.string().trim().min(1).max(64)).max(50);

/* ----------------------------------------------------------------------------------------------
 * Folders
 * -------------------------------------------------------------------------------------------- */

export const createFolderRequestSchema = z.strictObject({
  ownerType: ownerTypeSchema,
  ownerId: idSchema,
  title: titleSchema,
  /** An existing folder's `folderPath` to create this one in; default the owner's natural parent. */
  parentPath: z.string().min(1).max(2048).optional(),
});
export type CreateFolderRequest = z.input<typeof createFolderRequestSchema>;

export const folderParamsSchema = z.strictObject({ ownerType: ownerTypeSchema, ownerId: idSchema });

export const folderSchema = z.object({
  ownerType: ownerTypeSchema,
  ownerId: idSchema,
  name: z.string(),
  /** Relative to the storage root; never an absolute server path. */
  folderPath: z.string(),
  parentPath: z.string().nullable(),
  publicUrl: z.string().nullable(),
  createdAt: z.string(),
});
export type Folder = z.infer<typeof folderSchema>;

/* ----------------------------------------------------------------------------------------------
 * Documents
 * -------------------------------------------------------------------------------------------- */

export const documentIdParamsSchema = z.strictObject({ id: idSchema });

export const createDocumentRequestSchema = z.strictObject({
  ownerType: ownerTypeSchema,
  ownerId: idSchema,
  title: titleSchema,
  documentType: documentTypeSchema.optional(),
  notes: notesSchema.optional(),
  tags: tagsSchema.optional(),
  /**
   * Imports only (admins and services): a file below `DOCUMENTS_IMPORT_ROOT` (relative path or
   * `file:` URL) that the `documents.upload` job copies in; imports expire after 90 days.
   */
  sourceUri: z.string().min(1).max(2048).optional(),
});
export type CreateDocumentRequest = z.input<typeof createDocumentRequestSchema>;

export const createDocumentResponseSchema = z.object({
  documentId: idSchema,
  /** Absent for imports (the job copies the file). */
  uploadUrl: z.string().nullable(),
  expiresIn: z.number().int().nullable(),
});
export type CreateDocumentResponse = z.infer<typeof createDocumentResponseSchema>;

export const uploadUrlResponseSchema = z.object({
  documentId: idSchema,
  uploadUrl: z.string(),
  expiresIn: z.number().int(),
});
export type UploadUrlResponse = z.infer<typeof uploadUrlResponseSchema>;

/** PATCH: every create field optional; `""` clears type and notes, `[]` clears tags. */
export const updateDocumentRequestSchema = z.strictObject({
  title: titleSchema.optional(),
  documentType: z.union([documentTypeSchema, z.literal('')]).optional(),
  notes: z.union([notesSchema, z.literal('')]).optional(),
  tags: tagsSchema.optional(),
});
export type UpdateDocumentRequest = z.input<typeof updateDocumentRequestSchema>;

export const completeUploadRequestSchema = z.strictObject({
  fileSize: z.number().int().positive(),
  /** Hex SHA-256 (64) or MD5 (32) of the bytes as the client computed them. */
  checksum: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[0-9a-f]{1,128}$/, 'must be hexadecimal, at most 128 characters'),
});
export type CompleteUploadRequest = z.input<typeof completeUploadRequestSchema>;

const csvList = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((value) =>
      (Array.isArray(value) ? value : [value])
        .flatMap((part) => part.split(','))
        .map((part) => part.trim())
        .filter((part) => part !== ''),
    )
    .pipe(z.array(item).max(20));

/** `GET /documents`; snake_case aliases (`owner_id`, `owner_type`, `document_type`) and `q` are accepted. */
export const documentsQuerySchema = z
  .strictObject({
    ownerId: idSchema.optional(),
    owner_id: idSchema.optional(),
    ownerType: ownerTypeSchema.optional(),
    owner_type: ownerTypeSchema.optional(),
    documentType: csvList(documentTypeSchema).optional(),
    document_type: csvList(documentTypeSchema).optional(),
    status: documentStatusSchema.optional(),
    search: z.string().trim().min(1).max(200).optional(),
    q: z.string().trim().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(25),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .transform((query) => ({
    ownerId: query.ownerId ?? query.owner_id,
    ownerType: query.ownerType ?? query.owner_type,
    documentTypes: [...(query.documentType ?? []), ...(query.document_type ?? [])],
    status: query.status,
    search: query.search ?? query.q,
    limit: query.limit,
    offset: query.offset,
  }));
export type DocumentsQuery = z.input<typeof documentsQuerySchema>;
export type ParsedDocumentsQuery = z.output<typeof documentsQuerySchema>;

export const documentMetadataSchema = z.object({
  ownerType: ownerTypeSchema,
  ownerId: idSchema,
  documentType: documentTypeSchema.nullable(),
  notes: z.string().nullable(),
  tags: z.array(z.string()),
});

export const documentSchema = z.object({
  id: idSchema,
  name: z.string(),
  description: z.string().nullable(),
  metadata: documentMetadataSchema,
  status: documentStatusSchema,
  lastError: z.string().nullable(),
  /** Relative to the storage root (null until the bytes arrive). */
  storagePath: z.string().nullable(),
  publicUrl: z.string().nullable(),
  mimeType: z.string().nullable(),
  size: z.number().int().nullable(),
  checksumMd5: z.string().nullable(),
  checksumSha256: z.string().nullable(),
  authorId: z.string().nullable(),
  uploadedAt: z.string().nullable(),
  syncedAt: z.string().nullable(),
  retentionUntil: z.string().nullable(),
  archivedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DocumentInfo = z.infer<typeof documentSchema>;
export const documentsListSchema = z.array(documentSchema);

export const queuedJobSchema = z.object({ id: idSchema, status: z.literal('queued') });
export type QueuedJob = z.infer<typeof queuedJobSchema>;

/* ----------------------------------------------------------------------------------------------
 * Internal: ACL sync (CRM → Documents)
 * -------------------------------------------------------------------------------------------- */

export const permissionsSyncRequestSchema = z.strictObject({
  ownerType: ownerTypeSchema,
  ownerId: idSchema,
  users: z.array(z.strictObject({ userId: idSchema, role: z.enum(ACL_ROLES) })).max(500),
});
export type PermissionsSyncRequest = z.input<typeof permissionsSyncRequestSchema>;
export const permissionsSyncResponseSchema = z.object({ jobId: z.string(), taskId: idSchema });
export type PermissionsSyncResponse = z.infer<typeof permissionsSyncResponseSchema>;

/* ----------------------------------------------------------------------------------------------
 * Events on `documents.events` (source `documents.service`)
 * -------------------------------------------------------------------------------------------- */

export const DOCUMENTS_EVENT_SOURCE = 'documents.service';
export const DOCUMENT_EVENT_KEYS = [
  'document.uploaded',
  'document.deleted',
  'document.retention.expiring',
  'document.archived',
] as const;
export type DocumentEventKey = (typeof DOCUMENT_EVENT_KEYS)[number];

/** `document.uploaded` → `documents.document.uploaded`; `document.retention.expiring` → `documents.document.retention_expiring`. */
export function documentEventType(key: DocumentEventKey): string {
  const words = key.split('.');
  if (words.length < 3) return `documents.${key}`;
  const last = words.pop() as string;
  return `documents.${words.join('.')}_${last}`;
}

export const documentUploadedDataSchema = z.object({
  documentId: idSchema,
  ownerType: ownerTypeSchema,
  ownerId: idSchema,
  title: z.string(),
  documentType: documentTypeSchema.nullable(),
  mimeType: z.string().nullable(),
  size: z.number().int().nullable(),
  uploadedBy: z.string().nullable(),
  uploadedAt: z.string(),
});
export const documentDeletedDataSchema = z.object({
  documentId: idSchema,
  ownerType: ownerTypeSchema,
  ownerId: idSchema,
  deletedAt: z.string(),
  deletedBy: z.string().nullable(),
});
export const documentRetentionExpiringDataSchema = z.object({
  documentId: idSchema,
  ownerType: ownerTypeSchema,
  ownerId: idSchema,
  title: z.string(),
  authorId: z.string().nullable(),
  retentionUntil: z.string(),
});
export const documentArchivedDataSchema = z.object({
  documentId: idSchema,
  ownerType: ownerTypeSchema,
  ownerId: idSchema,
  /** `archive`: moved under `.archive/YYYY/MM/`; `delete`: the file is gone. */
  mode: z.enum(['archive', 'delete']),
  archivedAt: z.string(),
});

export const documentEventDataSchemas = {
  'document.uploaded': documentUploadedDataSchema,
  'document.deleted': documentDeletedDataSchema,
  'document.retention.expiring': documentRetentionExpiringDataSchema,
  'document.archived': documentArchivedDataSchema,
} as const satisfies Record<DocumentEventKey, z.ZodType>;
export type DocumentEventData = { [K in DocumentEventKey]: z.infer<(typeof documentEventDataSchemas)[K]> };
