'use client';

import {
  type PoliciesPage,
  type PoliciesQuery,
  type Policy,
  policiesQuerySchema,
  policyIdParamsSchema,
  type UpdatePolicyRequest,
  updatePolicyRequestSchema,
} from '@polis/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ApiClient, useApiClient, validated } from '@/lib/api';
import { refreshIfStale } from './deals.queries';
import { queryKeys } from './query-keys';

const PAGE = 200;

export type PolicyFilters = Omit<PoliciesQuery, 'limit' | 'cursor'>;

function policyPath(policyId: string): string {
  return `/crm/policies/${validated(policyIdParamsSchema, { policyId }).policyId}`;
}

export function policiesApi(client: ApiClient) {
  return {
    /** Every policy matching the filters (of one deal or one client: a short list). */
    list: async (filters: PolicyFilters, signal?: AbortSignal): Promise<Policy[]> => {
      const items: Policy[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.request<PoliciesPage>('GET', '/crm/policies', {
          query: validated(policiesQuerySchema, { ...filters, limit: PAGE, cursor }),
          signal,
        });
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return items;
    },
    update: async (policyId: string, input: UpdatePolicyRequest) =>
      client.request<Policy>('PATCH', policyPath(policyId), { body: validated(updatePolicyRequestSchema, input) }),
  };
}

export function usePolicies(filters: PolicyFilters, options: { enabled?: boolean } = {}) {
  const api = policiesApi(useApiClient());
  return useQuery({
    queryKey: queryKeys.policyList(filters),
    queryFn: ({ signal }) => api.list(filters, signal),
    enabled: options.enabled ?? true,
  });
}

export function useUpdatePolicy() {
  const api = policiesApi(useApiClient());
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ policyId, input }: { policyId: string; input: UpdatePolicyRequest }) => api.update(policyId, input),
    onSuccess: async (policy) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.policies }),
        policy.dealId ? queryClient.invalidateQueries({ queryKey: queryKeys.dealRecord(policy.dealId) }) : undefined,
      ]);
    },
    onError: (error) => refreshIfStale(queryClient, error, queryKeys.policies),
  });
}
