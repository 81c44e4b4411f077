'use client';

import {
  type CommissionSplitRequest,
  type CommissionSplitResult,
  type CreateMovementRequest,
  type CreatePaymentRequest,
  commissionSplitRequestSchema,
  createMovementRequestSchema,
  createPaymentRequestSchema,
  type Movement,
  type MovementDirection,
  movementParamsSchema,
  type Payment,
  type PaymentScheduleRequest,
  type PaymentsPage,
  type PolicyCashFlow,
  paymentListParamsSchema,
  paymentParamsSchema,
  paymentScheduleRequestSchema,
  paymentsQuerySchema,
  type UpdateMovementRequest,
  type UpdatePaymentRequest,
  updateMovementRequestSchema,
  updatePaymentRequestSchema,
} from '@polis/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ApiClient, useApiClient, validated } from '@/lib/api';
import { refreshIfStale } from './deals.queries';
import { queryKeys } from './query-keys';

const PAGE = 200;

export interface PolicyRef {
  dealId: string;
  policyId: string;
}

/** The policy inside its deal, as the payment routes address it. */
function dealPolicyPath({ dealId, policyId }: PolicyRef): string {
  const params = validated(paymentListParamsSchema, { dealId, policyId });
  return `/crm/deals/${params.dealId}/policies/${params.policyId}`;
}

function paymentsPath(ref: PolicyRef): string {
  return `${dealPolicyPath(ref)}/payments`;
}

function paymentPath(ref: PolicyRef, paymentId: string): string {
  const params = validated(paymentParamsSchema, { ...ref, paymentId });
  return `${paymentsPath(ref)}/${params.paymentId}`;
}

function movementPath(ref: PolicyRef, paymentId: string, direction: MovementDirection, movementId: string): string {
  const params = validated(movementParamsSchema, { ...ref, paymentId, movementId });
  return `${paymentPath(ref, paymentId)}/${direction}/${params.movementId}`;
}

export function paymentsApi(client: ApiClient) {
  return {
    /** Every live payment of the policy with its income and expense lines. */
    list: async (ref: PolicyRef, signal?: AbortSignal): Promise<Payment[]> => {
      const items: Payment[] = [];
      let total = 0;
      do {
        const page = await client.request<PaymentsPage>('GET', paymentsPath(ref), {
          query: validated(paymentsQuerySchema, {
            include: ['incomes', 'expenses'],
            limit: PAGE,
            offset: items.length,
          }),
          signal,
        });
        items.push(...page.items);
        total = page.total;
        if (page.items.length === 0) break;
      } while (items.length < total);
      return items;
    },
    create: async (ref: PolicyRef, input: CreatePaymentRequest) =>
      client.request<Payment>('POST', paymentsPath(ref), { body: validated(createPaymentRequestSchema, input) }),
    schedule: async (ref: PolicyRef, input: PaymentScheduleRequest) =>
      client.request<unknown>('POST', `${paymentsPath(ref)}/schedule`, {
        body: validated(paymentScheduleRequestSchema, input),
      }),
    update: async (ref: PolicyRef, paymentId: string, input: UpdatePaymentRequest) =>
      client.request<Payment>('PATCH', paymentPath(ref, paymentId), {
        body: validated(updatePaymentRequestSchema, input),
      }),
    /** One `colleague_payout` expense line per colleague, out of the commission received on the payment. */
    splitCommission: async (ref: PolicyRef, paymentId: string, input: CommissionSplitRequest) =>
      client.request<CommissionSplitResult>('POST', `${paymentPath(ref, paymentId)}/commission-split`, {
        body: validated(commissionSplitRequestSchema, input),
      }),
    /** Premium due and paid, commission expected and received, payouts and the agency's result. */
    cashFlow: async (ref: PolicyRef, signal?: AbortSignal) =>
      client.request<PolicyCashFlow>('GET', `${dealPolicyPath(ref)}/cash-flow`, { signal }),
    remove: async (ref: PolicyRef, paymentId: string) => client.request<void>('DELETE', paymentPath(ref, paymentId)),
    addLine: async (ref: PolicyRef, paymentId: string, direction: MovementDirection, input: CreateMovementRequest) =>
      client.request<Movement>('POST', `${paymentPath(ref, paymentId)}/${direction}`, {
        body: validated(createMovementRequestSchema, input),
      }),
    updateLine: async (
      ref: PolicyRef,
      paymentId: string,
      direction: MovementDirection,
      movementId: string,
      input: UpdateMovementRequest,
    ) =>
      client.request<Movement>('PATCH', movementPath(ref, paymentId, direction, movementId), {
        body: validated(updateMovementRequestSchema, input),
      }),
    removeLine: async (ref: PolicyRef, paymentId: string, direction: MovementDirection, movementId: string) =>
      client.request<void>('DELETE', movementPath(ref, paymentId, direction, movementId)),
  };
}

export function usePolicyPayments(ref: PolicyRef) {
  const api = paymentsApi(useApiClient());
  return useQuery({
    queryKey: queryKeys.policyPayments(ref.dealId, ref.policyId),
    queryFn: ({ signal }) => api.list(ref, signal),
  });
}

/** Lives under the policy's payments key: every payment change refreshes it too. */
export function usePolicyCashFlow(ref: PolicyRef) {
  const api = paymentsApi(useApiClient());
  return useQuery({
    queryKey: [...queryKeys.policyPayments(ref.dealId, ref.policyId), 'cash-flow'] as const,
    queryFn: ({ signal }) => api.cashFlow(ref, signal),
  });
}

/** A payment change refreshes the policy's payments and the funnel's sums. */
function usePaymentMutation<TInput, TResult>(ref: PolicyRef, mutationFn: (input: TInput) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.policyPayments(ref.dealId, ref.policyId) }),
        queryClient.invalidateQueries({ queryKey: ['deals', 'metrics'] }),
      ]);
    },
    onError: (error) => refreshIfStale(queryClient, error, queryKeys.policyPayments(ref.dealId, ref.policyId)),
  });
}

export function useCreatePayment(ref: PolicyRef) {
  const api = paymentsApi(useApiClient());
  return usePaymentMutation(ref, (input: CreatePaymentRequest) => api.create(ref, input));
}

export function useSchedulePayments(ref: PolicyRef) {
  const api = paymentsApi(useApiClient());
  return usePaymentMutation(ref, (input: PaymentScheduleRequest) => api.schedule(ref, input));
}

export function useUpdatePayment(ref: PolicyRef) {
  const api = paymentsApi(useApiClient());
  return usePaymentMutation(ref, ({ paymentId, input }: { paymentId: string; input: UpdatePaymentRequest }) =>
    api.update(ref, paymentId, input),
  );
}

export function useDeletePayment(ref: PolicyRef) {
  const api = paymentsApi(useApiClient());
  return usePaymentMutation(ref, (paymentId: string) => api.remove(ref, paymentId));
}

export function useSplitCommission(ref: PolicyRef) {
  const api = paymentsApi(useApiClient());
  return usePaymentMutation(ref, ({ paymentId, input }: { paymentId: string; input: CommissionSplitRequest }) =>
    api.splitCommission(ref, paymentId, input),
  );
}

export interface LineInput {
  paymentId: string;
  direction: MovementDirection;
  input: CreateMovementRequest;
}

export function useAddPaymentLine(ref: PolicyRef) {
  const api = paymentsApi(useApiClient());
  return usePaymentMutation(ref, ({ paymentId, direction, input }: LineInput) =>
    api.addLine(ref, paymentId, direction, input),
  );
}

export function useDeletePaymentLine(ref: PolicyRef) {
  const api = paymentsApi(useApiClient());
  return usePaymentMutation(
    ref,
    ({ paymentId, direction, movementId }: { paymentId: string; direction: MovementDirection; movementId: string }) =>
      api.removeLine(ref, paymentId, direction, movementId),
  );
}
