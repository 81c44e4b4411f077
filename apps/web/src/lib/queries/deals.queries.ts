'use client';

import {
  type AddParticipantRequest,
  type AppendJournalRequest,
  addParticipantRequestSchema,
  appendJournalRequestSchema,
  type CreateDealRequest,
  createDealRequestSchema,
  type Deal,
  type DealDetail,
  type DealStage,
  type DealsPage,
  type DealsQuery,
  type DirectoryEntry,
  dealIdParamsSchema,
  dealStageRequestSchema,
  dealsQuerySchema,
  type JournalPage,
  journalQuerySchema,
  type Participant,
  parkDealRequestSchema,
  participantParamsSchema,
  type StageMetric,
  type StageMetricsQuery,
  stageMetricsQuerySchema,
  type UpdateDealRequest,
  updateDealRequestSchema,
} from '@polis/contracts';
import {
  type QueryClient,
  type QueryKey,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { type ApiClient, isApiError, useApi, useApiClient, validated } from '@/lib/api';
import { queryKeys } from './query-keys';

/** Filters of the deal list and the stage metrics (everything but paging). */
export type DealFilters = Omit<DealsQuery, 'limit' | 'cursor'>;

/** The funnel shows every matching deal; beyond this many it asks to narrow the filters. */
export const MAX_FUNNEL_DEALS = 2_000;
const FUNNEL_PAGE = 200;
const JOURNAL_PAGE = 50;

export function dealPath(dealId: string): string {
  return `/crm/deals/${encodeURIComponent(validated(dealIdParamsSchema, { dealId }).dealId)}`;
}

export interface AllDeals {
  items: Deal[];
  /** More deals match than the funnel loads. */
  truncated: boolean;
}

/** Typed CRM deal routes of the Gateway; bodies and queries are checked with the contract schemas. */
export function dealsApi(client: ApiClient) {
  return {
    page: async (query: DealsQuery, signal?: AbortSignal) =>
      client.request<DealsPage>('GET', '/crm/deals', { query: validated(dealsQuerySchema, query), signal }),
    /** Follows the keyset cursor until every matching deal (up to the cap) is loaded. */
    all: async (filters: DealFilters, signal?: AbortSignal): Promise<AllDeals> => {
      const items: Deal[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.request<DealsPage>('GET', '/crm/deals', {
          query: validated(dealsQuerySchema, { ...filters, limit: FUNNEL_PAGE, cursor }),
          signal,
        });
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && items.length < MAX_FUNNEL_DEALS);
      return { items, truncated: cursor !== undefined };
    },
    metrics: async (query: StageMetricsQuery, signal?: AbortSignal) =>
      client.request<StageMetric[]>('GET', '/crm/deals/stage-metrics', {
        query: validated(stageMetricsQuerySchema, query),
        signal,
      }),
    get: async (dealId: string, signal?: AbortSignal) =>
      client.request<DealDetail>('GET', dealPath(dealId), { signal }),
    create: async (input: CreateDealRequest) =>
      client.request<Deal>('POST', '/crm/deals', { body: validated(createDealRequestSchema, input) }),
    update: async (dealId: string, input: UpdateDealRequest) =>
      client.request<DealDetail>('PATCH', dealPath(dealId), { body: validated(updateDealRequestSchema, input) }),
    moveStage: async (dealId: string, stage: DealStage, version?: number) =>
      client.request<DealDetail>('PATCH', `${dealPath(dealId)}/stage`, {
        body: validated(dealStageRequestSchema, { stage, version }),
      }),
    park: async (dealId: string, version?: number) =>
      client.request<DealDetail>('POST', `${dealPath(dealId)}/park`, {
        body: validated(parkDealRequestSchema, { version }),
      }),
    participants: async (dealId: string, signal?: AbortSignal) =>
      client.request<Participant[]>('GET', `${dealPath(dealId)}/participants`, { signal }),
    addParticipant: async (dealId: string, input: AddParticipantRequest) =>
      client.request<Participant>('POST', `${dealPath(dealId)}/participants`, {
        body: validated(addParticipantRequestSchema, input),
      }),
    removeParticipant: async (dealId: string, userId: string) => {
      const params = validated(participantParamsSchema, { dealId, userId });
      return client.request<void>('DELETE', `${dealPath(params.dealId)}/participants/${params.userId}`);
    },
    journal: async (dealId: string, offset: number, signal?: AbortSignal) =>
      client.request<JournalPage>('GET', `${dealPath(dealId)}/journal`, {
        query: validated(journalQuerySchema, { limit: JOURNAL_PAGE, offset }),
        signal,
      }),
    appendJournal: async (dealId: string, input: AppendJournalRequest) =>
      client.request<unknown>('POST', `${dealPath(dealId)}/journal`, {
        body: validated(appendJournalRequestSchema, input),
      }),
  };
}

export function useDealsApi() {
  return dealsApi(useApiClient());
}

/** Every deal matching the filters (the funnel and the list view share this query). */
export function useAllDeals(filters: DealFilters) {
  const api = useDealsApi();
  return useQuery({
    queryKey: queryKeys.dealList(filters),
    queryFn: ({ signal }) => api.all(filters, signal),
  });
}

export function useStageMetrics(filters: StageMetricsQuery) {
  const api = useDealsApi();
  return useQuery({
    queryKey: queryKeys.stageMetrics(filters),
    queryFn: ({ signal }) => api.metrics(filters, signal),
  });
}

export function useDeal(dealId: string) {
  const api = useDealsApi();
  return useQuery({ queryKey: queryKeys.dealRecord(dealId), queryFn: ({ signal }) => api.get(dealId, signal) });
}

/** Writes the answer of a deal change into the cache, then refreshes lists and metrics. */
async function dealChanged(queryClient: QueryClient, deal: Deal): Promise<void> {
  queryClient.setQueryData<DealDetail>(queryKeys.dealRecord(deal.id), (current) =>
    current ? { ...current, ...deal } : undefined,
  );
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: queryKeys.dealLists }),
    queryClient.invalidateQueries({ queryKey: ['deals', 'metrics'] }),
    queryClient.invalidateQueries({ queryKey: queryKeys.dealRecord(deal.id) }),
  ]);
}

/** A stale version (409 `version_conflict`): reload what was stale so the next try uses fresh data. */
export function refreshIfStale(queryClient: QueryClient, error: unknown, ...keys: QueryKey[]): void {
  if (!isApiError(error) || error.code !== 'version_conflict') return;
  for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey });
}

export function useCreateDeal() {
  const api = useDealsApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateDealRequest) => api.create(input),
    onSuccess: (deal) => dealChanged(queryClient, deal),
  });
}

export function useUpdateDeal(dealId: string) {
  const api = useDealsApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: UpdateDealRequest) => api.update(dealId, input),
    onSuccess: (deal) => dealChanged(queryClient, deal),
    onError: (error) => refreshIfStale(queryClient, error, queryKeys.dealRecord(dealId)),
  });
}

export interface MoveDealInput {
  deal: Deal;
  stage: DealStage;
}

/** Moves a deal between stages; the API decides whether the move is allowed. */
export function useMoveDealStage() {
  const api = useDealsApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ deal, stage }: MoveDealInput) => api.moveStage(deal.id, stage, deal.version),
    onSuccess: (deal) => dealChanged(queryClient, deal),
    onError: (error, { deal }) =>
      refreshIfStale(queryClient, error, queryKeys.dealLists, queryKeys.dealRecord(deal.id)),
  });
}

export function useParkDeal(dealId: string) {
  const api = useDealsApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (version: number | undefined) => api.park(dealId, version),
    onSuccess: (deal) => dealChanged(queryClient, deal),
    onError: (error) => refreshIfStale(queryClient, error, queryKeys.dealRecord(dealId)),
  });
}

export function useParticipants(dealId: string) {
  const api = useDealsApi();
  return useQuery({
    queryKey: queryKeys.dealParticipants(dealId),
    queryFn: ({ signal }) => api.participants(dealId, signal),
  });
}

export function useAddParticipant(dealId: string) {
  const api = useDealsApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => api.addParticipant(dealId, { userId }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.dealParticipants(dealId) }),
  });
}

export function useRemoveParticipant(dealId: string) {
  const api = useDealsApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => api.removeParticipant(dealId, userId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.dealParticipants(dealId) }),
  });
}

/** The journal, oldest first, one page of 50 entries at a time. */
export function useJournal(dealId: string) {
  const api = useDealsApi();
  return useInfiniteQuery({
    queryKey: queryKeys.dealJournal(dealId),
    queryFn: ({ pageParam, signal }) => api.journal(dealId, pageParam, signal),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((sum, page) => sum + page.items.length, 0);
      return loaded < last.total && last.items.length > 0 ? loaded : undefined;
    },
  });
}

export function useAppendJournal(dealId: string) {
  const api = useDealsApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: string) => api.appendJournal(dealId, { body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.dealJournal(dealId) }),
  });
}

/** Enabled people for pickers (owner names, the deal team). */
export function useUserDirectory() {
  const api = useApi();
  return useQuery<DirectoryEntry[]>({
    queryKey: queryKeys.directory,
    queryFn: ({ signal }) => api.users.directory(signal),
    staleTime: 300_000,
  });
}
