import {
  completeUploadRequestSchema,
  createDocumentRequestSchema,
  createDocumentResponseSchema,
  createFolderRequestSchema,
  documentIdParamsSchema,
  documentSchema,
  documentsListSchema,
  documentsQuerySchema,
  folderParamsSchema,
  folderSchema,
  permissionsSyncRequestSchema,
  permissionsSyncResponseSchema,
  queuedJobSchema,
  updateDocumentRequestSchema,
  uploadUrlResponseSchema,
} from '@polis/contracts';
import type { HttpMethod, RouteResponseSpec, RouteSpec } from '@polis/platform';
import { z } from 'zod';

const DOCS = '/api/v1/documents';
const invalid: RouteResponseSpec = { description: 'Invalid input (problem+json, nothing written)' };
const notFound: RouteResponseSpec = {
  description: 'document_not_found: no such document, or the caller may not see it',
};
const deleted: RouteResponseSpec = { description: 'already_deleted' };
const linkQuery = z.object({
  token: z.string(),
  expires: z.string(),
  kid: z.string(),
  uid: z.string(),
  max: z.string(),
});

/**
 * A route on one document (`/api/v1/documents/{id}…`): the id parameter, and 404 when there is no
 * such document or the caller may not see it.
 */
function documentRoute(
  method: HttpMethod,
  suffix: string,
  summary: string,
  spec: Pick<RouteSpec, 'auth' | 'body' | 'query' | 'responses'> & { tags?: string[] },
): RouteSpec {
  return {
    method,
    path: `${DOCS}/{id}${suffix}`,
    summary,
    tags: ['documents'],
    params: documentIdParamsSchema,
    ...spec,
    responses: { ...spec.responses, 404: notFound },
  };
}

/** The answers of a request that queues a job for admins and services. */
function queuedResponses(conflicts: Record<number, RouteResponseSpec> = {}): Record<number, RouteResponseSpec> {
  return {
    202: { description: 'Queued', schema: queuedJobSchema },
    403: { description: 'forbidden' },
    ...conflicts,
    503: { description: 'queue_unavailable' },
  };
}

/** Every Documents route, as the OpenAPI document at `/docs/openapi.json` describes it. */
export const DOCUMENTS_ROUTES: RouteSpec[] = [
  {
    method: 'POST',
    path: '/api/v1/folders',
    summary: 'Create the folder of a client, deal, policy or payment',
    tags: ['folders'],
    body: createFolderRequestSchema,
    responses: {
      201: { description: 'The folder', schema: folderSchema },
      400: { description: 'validation_error, invalid_path' },
      404: { description: 'client_not_found, deal_not_found, policy_not_found (or not visible)' },
      409: { description: 'folder_exists' },
    },
  },
  {
    method: 'GET',
    path: '/api/v1/folders/{ownerType}/{ownerId}',
    summary: 'The folder of an owner',
    tags: ['folders'],
    params: folderParamsSchema,
    responses: { 200: { description: 'The folder', schema: folderSchema }, 404: { description: 'folder_not_found' } },
  },
  {
    method: 'GET',
    path: DOCS,
    summary: 'Visible live documents, newest first (X-Total-Count)',
    tags: ['documents'],
    query: documentsQuerySchema,
    responses: { 200: { description: 'Documents', schema: documentsListSchema }, 400: invalid },
  },
  {
    method: 'POST',
    path: DOCS,
    summary: 'Create a document and get its signed upload link',
    tags: ['documents'],
    body: createDocumentRequestSchema,
    responses: {
      201: { description: 'The document id and upload link', schema: createDocumentResponseSchema },
      400: invalid,
      403: { description: 'forbidden (imports are for admins and services)' },
      404: { description: 'The owner does not exist or is not visible' },
    },
  },
  documentRoute('GET', '', 'One document (deleted ones answer 404)', {
    responses: { 200: { description: 'The document', schema: documentSchema } },
  }),
  documentRoute('PATCH', '', 'Edit title, type, notes, tags ("" clears type and notes, [] clears tags)', {
    body: updateDocumentRequestSchema,
    responses: { 200: { description: 'The document', schema: documentSchema }, 400: invalid, 409: deleted },
  }),
  documentRoute('DELETE', '', 'Soft-delete a document and remove its file', {
    responses: { 204: { description: 'Deleted' }, 409: deleted },
  }),
  documentRoute('POST', '/upload-url', 'A fresh signed upload link (the previous one expired or failed)', {
    responses: {
      200: { description: 'The upload link', schema: uploadUrlResponseSchema },
      409: { description: 'upload_conflict (details.status)' },
    },
  }),
  documentRoute('PUT', '/content', 'Upload the bytes (signed link; no bearer token)', {
    tags: ['content'],
    auth: 'public',
    query: linkQuery,
    responses: {
      204: { description: 'Received; call complete next' },
      400: { description: 'empty_file' },
      403: { description: 'invalid_upload_token, link_expired' },
      409: { description: 'upload_conflict (details.status)' },
      413: { description: 'file_too_large' },
      415: { description: 'unsupported_media_type' },
      507: { description: 'quota_exceeded' },
    },
  }),
  documentRoute('GET', '/content', 'Download the bytes (signed link; Range supported)', {
    tags: ['content'],
    auth: 'public',
    query: linkQuery,
    responses: {
      200: { description: 'The file, as an attachment' },
      206: { description: 'The requested byte range' },
      403: { description: 'invalid_signature, link_expired' },
      416: { description: 'range_not_satisfiable' },
    },
  }),
  documentRoute('POST', '/complete', 'Confirm an upload with its size and checksum (SHA-256 or MD5, hex)', {
    body: completeUploadRequestSchema,
    responses: {
      200: { description: 'The document, uploaded; an integrity check is queued', schema: documentSchema },
      400: invalid,
      409: { description: 'upload_conflict (details.status), already_deleted' },
      422: { description: 'checksum_mismatch (the document is marked error)' },
    },
  }),
  documentRoute('GET', '/download', 'Redirect (302) to a short-lived signed download link', {
    responses: { 302: { description: 'Location: the signed link' }, 409: { description: 'not_downloadable' } },
  }),
  documentRoute('POST', '/upload', 'Re-queue the import copy (admins, services)', {
    responses: queuedResponses({ 409: { description: 'already_deleted, not_an_import' } }),
  }),
  documentRoute('POST', '/sync', 'Re-queue the integrity check (admins, services)', {
    responses: queuedResponses({ 409: { description: 'already_deleted, upload_conflict' } }),
  }),
  documentRoute('POST', '/retention/extend', 'Extend an import’s retention by the retention period (90 days)', {
    responses: {
      200: { description: 'The document', schema: documentSchema },
      409: { description: 'retention_not_applicable' },
    },
  }),
  {
    method: 'POST',
    path: '/internal/v1/permissions/sync',
    summary: 'Make the folder’s ACL exactly these users (services, admins)',
    tags: ['internal'],
    body: permissionsSyncRequestSchema,
    responses: queuedResponses({
      202: { description: 'Queued', schema: permissionsSyncResponseSchema },
      400: invalid,
      404: { description: 'folder_not_found' },
    }),
  },
];
