'use client';

import {
  type Calculation,
  type CalculationComparison,
  type CalculationStatusRequest,
  type CalculationsPage,
  type CreateCalculationRequest,
  calculationParamsSchema,
  calculationStatusRequestSchema,
  calculationsQuerySchema,
  createCalculationRequestSchema,
  type IssuePolicyRequest,
  issuePolicyRequestSchema,
  type Policy,
  type UpdateCalculationRequest,
  updateCalculationRequestSchema,
} from '@polis/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ApiClient, useApiClient, validated } from '@/lib/api';
import { dealPath, refreshIfStale } from './deals.queries';
import { queryKeys } from './query-keys';

const PAGE = 200;

function calculationPath(dealId: string, calculationId: string): string {
  const params = validated(calculationParamsSchema, { dealId, calculationId });
  return `${dealPath(params.dealId)}/calculations/${params.calculationId}`;
}

export function calculationsApi(client: ApiClient) {
  return {
    /** Every live calculation of the deal (a deal has a handful; pages are followed anyway). */
    list: async (dealId: string, signal?: AbortSignal): Promise<Calculation[]> => {
      const items: Calculation[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.request<CalculationsPage>('GET', `${dealPath(dealId)}/calculations`, {
          query: validated(calculationsQuerySchema, { limit: PAGE, cursor }),
          signal,
        });
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return items;
    },
    comparison: async (dealId: string, signal?: AbortSignal) =>
      client.request<CalculationComparison>('GET', `${dealPath(dealId)}/calculations/comparison`, { signal }),
    create: async (dealId: string, input: CreateCalculationRequest) =>
      client.request<Calculation>('POST', `${dealPath(dealId)}/calculations`, {
        body: validated(createCalculationRequestSchema, input),
      }),
    update: async (dealId: string, calculationId: string, input: UpdateCalculationRequest) =>
      client.request<Calculation>('PATCH', calculationPath(dealId, calculationId), {
        body: validated(updateCalculationRequestSchema, input),
      }),
    setStatus: async (dealId: string, calculationId: string, input: CalculationStatusRequest) =>
      client.request<Calculation>('POST', `${calculationPath(dealId, calculationId)}/status`, {
        body: validated(calculationStatusRequestSchema, input),
      }),
    issuePolicy: async (dealId: string, calculationId: string, input: IssuePolicyRequest) =>
      client.request<Policy>('POST', `${calculationPath(dealId, calculationId)}/policy`, {
        body: validated(issuePolicyRequestSchema, input),
      }),
    remove: async (dealId: string, calculationId: string) =>
      client.request<void>('DELETE', calculationPath(dealId, calculationId)),
  };
}

export function useCalculationsApi() {
  return calculationsApi(useApiClient());
}

export function useCalculations(dealId: string) {
  const api = useCalculationsApi();
  return useQuery({ queryKey: queryKeys.dealCalculations(dealId), queryFn: ({ signal }) => api.list(dealId, signal) });
}

export function useCalculationComparison(dealId: string) {
  const api = useCalculationsApi();
  return useQuery({
    queryKey: queryKeys.dealComparison(dealId),
    queryFn: ({ signal }) => api.comparison(dealId, signal),
  });
}

/** A quote change touches the list, the comparison and (through the stage guards) the deal. */
function useCalculationMutation<TInput, TResult>(dealId: string, mutationFn: (input: TInput) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.dealCalculations(dealId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.dealRecord(dealId) }),
      ]);
    },
    onError: (error) => refreshIfStale(queryClient, error, queryKeys.dealCalculations(dealId)),
  });
}

export function useCreateCalculation(dealId: string) {
  const api = useCalculationsApi();
  return useCalculationMutation(dealId, (input: CreateCalculationRequest) => api.create(dealId, input));
}

export function useUpdateCalculation(dealId: string) {
  const api = useCalculationsApi();
  return useCalculationMutation(dealId, ({ id, input }: { id: string; input: UpdateCalculationRequest }) =>
    api.update(dealId, id, input),
  );
}

export function useSetCalculationStatus(dealId: string) {
  const api = useCalculationsApi();
  return useCalculationMutation(dealId, ({ id, input }: { id: string; input: CalculationStatusRequest }) =>
    api.setStatus(dealId, id, input),
  );
}

export function useDeleteCalculation(dealId: string) {
  const api = useCalculationsApi();
  return useCalculationMutation(dealId, (id: string) => api.remove(dealId, id));
}

/** Issues the policy of a ready or confirmed quote; the deal's policies appear with it. */
export function useIssuePolicy(dealId: string) {
  const api = useCalculationsApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ calculationId, input }: { calculationId: string; input: IssuePolicyRequest }) =>
      api.issuePolicy(dealId, calculationId, input),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.dealCalculations(dealId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.dealRecord(dealId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.policies }),
      ]);
    },
  });
}
