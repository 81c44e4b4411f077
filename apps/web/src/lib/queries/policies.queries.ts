'use client';

import {
  linkPolicyDocumentRequestSchema,
  type PoliciesPage,
  type PoliciesQuery,
  type Policy,
  type PolicyDocument,
  policiesQuerySchema,
  policyDocumentParamsSchema,
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
    /** The Documents files linked to the policy (names and files come from Documents). */
    documents: async (policyId: string, signal?: AbortSignal) =>
      client.request<PolicyDocument[]>('GET', `${policyPath(policyId)}/documents`, { signal }),
    linkDocument: async (policyId: string, documentId: string) =>
      client.request<PolicyDocument>('POST', `${policyPath(policyId)}/documents`, {
        body: validated(linkPolicyDocumentRequestSchema, { documentId }),
      }),
    /** Removes the link only: the file stays in its folder. */
    unlinkDocument: async (policyId: string, documentId: string) => {
      const params = validated(policyDocumentParamsSchema, { policyId, documentId });
      return client.request<void>('DELETE', `${policyPath(params.policyId)}/documents/${params.documentId}`);
    },
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

export function usePolicyDocuments(policyId: string) {
  const api = policiesApi(useApiClient());
  return useQuery({
    queryKey: queryKeys.policyDocuments(policyId),
    queryFn: ({ signal }) => api.documents(policyId, signal),
  });
}

/** Links and unlinks refresh the policy's list either way: a refusal may mean it changed meanwhile. */
function usePolicyDocumentMutation(policyId: string, mutationFn: (documentId: string) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.policyDocuments(policyId) }),
  });
}

export function useLinkPolicyDocument(policyId: string) {
  const api = policiesApi(useApiClient());
  return usePolicyDocumentMutation(policyId, (documentId) => api.linkDocument(policyId, documentId));
}

export function useUnlinkPolicyDocument(policyId: string) {
  const api = policiesApi(useApiClient());
  return usePolicyDocumentMutation(policyId, (documentId) => api.unlinkDocument(policyId, documentId));
}
