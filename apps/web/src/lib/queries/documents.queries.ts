'use client';

import {
  type CompleteUploadRequest,
  type CreateDocumentRequest,
  type CreateDocumentResponse,
  completeUploadRequestSchema,
  createDocumentRequestSchema,
  type DocumentInfo,
  type DocumentOwnerType,
  documentIdParamsSchema,
  documentsQuerySchema,
  type Folder,
  folderParamsSchema,
} from '@polis/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ApiClient, isApiError, useApiClient, validated } from '@/lib/api';
import { queryKeys } from './query-keys';

/** A panel shows at most this many documents of one owner (the API's page limit). */
export const DOCUMENTS_PAGE_LIMIT = 200;

function documentPath(documentId: string, suffix = ''): string {
  return `/documents/${encodeURIComponent(validated(documentIdParamsSchema, { id: documentId }).id)}${suffix}`;
}

/** Typed Documents routes of the Gateway (platform.md §3.3). */
export function documentsApi(client: ApiClient) {
  return {
    list: async (ownerType: DocumentOwnerType, ownerId: string, signal?: AbortSignal) => {
      // Validated for its checks only: the parsed form renames the fields for the server's use.
      validated(documentsQuerySchema, { ownerType, ownerId, limit: DOCUMENTS_PAGE_LIMIT });
      return client.request<DocumentInfo[]>('GET', '/documents', {
        query: { ownerType, ownerId, limit: DOCUMENTS_PAGE_LIMIT },
        signal,
      });
    },
    /** The owner's folder, or null while it does not exist yet (404 `folder_not_found`). */
    folder: async (ownerType: DocumentOwnerType, ownerId: string, signal?: AbortSignal) => {
      const params = validated(folderParamsSchema, { ownerType, ownerId });
      try {
        return await client.request<Folder>(
          'GET',
          `/folders/${encodeURIComponent(params.ownerType)}/${encodeURIComponent(params.ownerId)}`,
          { signal },
        );
      } catch (error) {
        if (isApiError(error) && error.status === 404) return null;
        throw error;
      }
    },
    create: async (input: CreateDocumentRequest) =>
      client.request<CreateDocumentResponse>('POST', '/documents', {
        body: validated(createDocumentRequestSchema, input),
      }),
    complete: async (documentId: string, input: CompleteUploadRequest) =>
      client.request<DocumentInfo>('POST', documentPath(documentId, '/complete'), {
        body: validated(completeUploadRequestSchema, input),
      }),
    get: async (documentId: string, signal?: AbortSignal) =>
      client.request<DocumentInfo>('GET', documentPath(documentId), { signal }),
    remove: async (documentId: string) => client.request<void>('DELETE', documentPath(documentId)),
    /** The Gateway answers 302 to a short-lived signed link; a plain link follows it with the cookie. */
    downloadUrl: (documentId: string) => client.url(documentPath(documentId, '/download')),
  };
}

export type DocumentsApi = ReturnType<typeof documentsApi>;

export function useDocumentsApi(): DocumentsApi {
  return documentsApi(useApiClient());
}

export function useDocuments(ownerType: DocumentOwnerType, ownerId: string) {
  const api = useDocumentsApi();
  return useQuery({
    queryKey: queryKeys.documentsOf(ownerType, ownerId),
    queryFn: ({ signal }) => api.list(ownerType, ownerId, signal),
  });
}

/** One document by id (`enabled: false` when its details are already at hand). */
export function useDocument(documentId: string, options: { enabled?: boolean } = {}) {
  const api = useDocumentsApi();
  return useQuery({
    queryKey: queryKeys.document(documentId),
    queryFn: ({ signal }) => api.get(documentId, signal),
    enabled: options.enabled ?? true,
  });
}

export function useFolder(ownerType: DocumentOwnerType, ownerId: string) {
  const api = useDocumentsApi();
  return useQuery({
    queryKey: queryKeys.folderOf(ownerType, ownerId),
    queryFn: ({ signal }) => api.folder(ownerType, ownerId, signal),
    staleTime: 300_000,
  });
}

export function useDeleteDocument(ownerType: DocumentOwnerType, ownerId: string) {
  const api = useDocumentsApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (documentId: string) => api.remove(documentId),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.documentsOf(ownerType, ownerId) }),
  });
}
