'use client';

import {
  type Client,
  type ClientsPage,
  type ClientsQuery,
  type CreateClientRequest,
  clientIdParamsSchema,
  clientsQuerySchema,
  createClientRequestSchema,
  type UpdateClientRequest,
  updateClientRequestSchema,
} from '@polis/contracts';
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ApiClient, useApiClient, validated } from '@/lib/api';
import { queryKeys } from './query-keys';

const PAGE = 50;
const NAMES_PAGE = 200;
/** Names for the deal funnel and pickers; an agency has a few thousand clients at most. */
export const MAX_CLIENT_NAMES = 5_000;

export type ClientFilters = Omit<ClientsQuery, 'limit' | 'cursor'>;

function clientPath(clientId: string): string {
  return `/crm/clients/${validated(clientIdParamsSchema, { clientId }).clientId}`;
}

export function clientsApi(client: ApiClient) {
  return {
    page: async (query: ClientsQuery, signal?: AbortSignal) =>
      client.request<ClientsPage>('GET', '/crm/clients', { query: validated(clientsQuerySchema, query), signal }),
    /** Every visible client (id and name for pickers and labels), page after page. */
    all: async (signal?: AbortSignal): Promise<Client[]> => {
      const items: Client[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.request<ClientsPage>('GET', '/crm/clients', {
          query: validated(clientsQuerySchema, { limit: NAMES_PAGE, cursor }),
          signal,
        });
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && items.length < MAX_CLIENT_NAMES);
      return items;
    },
    get: async (clientId: string, signal?: AbortSignal) =>
      client.request<Client>('GET', clientPath(clientId), { signal }),
    create: async (input: CreateClientRequest) =>
      client.request<Client>('POST', '/crm/clients', { body: validated(createClientRequestSchema, input) }),
    update: async (clientId: string, input: UpdateClientRequest) =>
      client.request<Client>('PATCH', clientPath(clientId), { body: validated(updateClientRequestSchema, input) }),
  };
}

/** Clients by name, 50 at a time ("show more" loads the next keyset page). */
export function useClients(filters: ClientFilters) {
  const api = clientsApi(useApiClient());
  return useInfiniteQuery({
    queryKey: queryKeys.clientList(filters),
    queryFn: ({ pageParam, signal }) => api.page({ ...filters, limit: PAGE, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/** All visible clients, for names on deal cards and the client picker. */
export function useAllClients() {
  const api = clientsApi(useApiClient());
  return useQuery({
    queryKey: [...queryKeys.clients, 'all'] as const,
    queryFn: ({ signal }) => api.all(signal),
    staleTime: 60_000,
  });
}

export function useClient(clientId: string | null | undefined) {
  const api = clientsApi(useApiClient());
  return useQuery({
    queryKey: queryKeys.client(clientId ?? ''),
    queryFn: ({ signal }) => api.get(clientId ?? '', signal),
    enabled: Boolean(clientId),
    staleTime: 60_000,
  });
}

export function useCreateClient() {
  const api = clientsApi(useApiClient());
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateClientRequest) => api.create(input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.clients }),
  });
}

export function useUpdateClient(clientId: string) {
  const api = clientsApi(useApiClient());
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: UpdateClientRequest) => api.update(clientId, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.clients }),
  });
}
