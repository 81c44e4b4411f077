'use client';

import {
  allPaymentsQuerySchema,
  type ImportLine,
  importLineSchema,
  type PaymentExportFormat,
  type PaymentImportMode,
  type PaymentListPage,
  type PaymentStatus,
  paymentsExportQuerySchema,
} from '@polis/contracts';
import { useInfiniteQuery } from '@tanstack/react-query';
import {
  type ApiClient,
  ApiError,
  CSRF_COOKIE,
  CSRF_HEADER,
  type QueryValue,
  readCookie,
  useApiClient,
  validated,
} from '@/lib/api';
import { queryKeys } from './query-keys';

export const PAYMENTS_PAGE_SIZE = 50;

/** The list's filters without paging: shared by the list and its export. */
export interface PaymentFilters {
  status?: PaymentStatus[];
  dealId?: string;
  policyId?: string;
  /** `YYYY-MM-DD`, inclusive. */
  plannedFrom?: string;
  plannedTo?: string;
  paidFrom?: string;
  paidTo?: string;
}

function filterQuery(filters: PaymentFilters): Record<string, QueryValue> {
  return {
    status: filters.status && filters.status.length > 0 ? filters.status : undefined,
    dealId: filters.dealId,
    policyId: filters.policyId,
    plannedFrom: filters.plannedFrom,
    plannedTo: filters.plannedTo,
    paidFrom: filters.paidFrom,
    paidTo: filters.paidTo,
  };
}

/**
 * The download link of the filtered list. Returns null when the filters are invalid (a range that
 * ends before it starts): the export would only answer 400.
 */
export function paymentsExportUrl(
  client: ApiClient,
  filters: PaymentFilters,
  format: PaymentExportFormat,
): string | null {
  const query = { ...filterQuery(filters), format };
  if (!paymentsExportQuerySchema.safeParse(query).success) return null;
  return client.url('/crm/payments/export', query);
}

export function paymentsListApi(client: ApiClient) {
  return {
    page: async (filters: PaymentFilters, cursor: string | undefined, signal?: AbortSignal) => {
      const query = { ...filterQuery(filters), limit: PAYMENTS_PAGE_SIZE, cursor };
      validated(allPaymentsQuerySchema, query);
      return client.request<PaymentListPage>('GET', '/crm/payments', { query, signal });
    },
  };
}

/** Every visible payment matching the filters, page by page (keyset cursor). */
export function usePaymentsList(filters: PaymentFilters) {
  const client = useApiClient();
  const api = paymentsListApi(client);
  return useInfiniteQuery({
    queryKey: queryKeys.paymentsListPage(filters),
    queryFn: ({ pageParam, signal }) => api.page(filters, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/**
 * Reads an NDJSON body line by line as it arrives; each complete line is parsed and handed over.
 * Lines that are not valid import lines fail the read.
 */
export async function readImportLines(
  body: ReadableStream<Uint8Array>,
  onLine: (line: ImportLine) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const emit = (text: string) => {
    const trimmed = text.trim();
    if (trimmed === '') return;
    const parsed = importLineSchema.safeParse(JSON.parse(trimmed));
    if (!parsed.success)
      throw new ApiError({ status: 502, code: 'invalid_import_answer', detail: trimmed.slice(0, 200) });
    onLine(parsed.data);
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      emit(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf('\n');
    }
  }
  emit(buffer + decoder.decode());
}

export interface ImportRequest {
  client: ApiClient;
  file: Blob;
  mode: PaymentImportMode;
  onLine: (line: ImportLine) => void;
  signal?: AbortSignal;
  /** The page's fetch by default. */
  fetch?: typeof fetch;
}

/**
 * Sends the CSV as the raw body and streams the NDJSON answer. A stale session is renewed once
 * (the file is a Blob, so it can be sent again).
 */
export async function runPaymentsImport({
  client,
  file,
  mode,
  onLine,
  signal,
  fetch: fetchImpl,
}: ImportRequest): Promise<void> {
  const doFetch = fetchImpl ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  const send = async () => {
    const headers = new Headers({ 'Content-Type': 'text/csv', Accept: 'application/x-ndjson' });
    const csrf = typeof document === 'undefined' ? null : readCookie(CSRF_COOKIE, document.cookie);
    if (csrf) headers.set(CSRF_HEADER, csrf);
    try {
      return await doFetch(client.url('/crm/payments/import', { mode }), {
        method: 'POST',
        headers,
        body: file,
        credentials: 'include',
        cache: 'no-store',
        signal,
      });
    } catch (cause) {
      if (signal?.aborted) throw cause;
      throw ApiError.network(cause);
    }
  };
  let response = await send();
  if (!response.ok) {
    const error = await ApiError.fromResponse(response);
    if (!error.isRefreshable || !(await client.refreshSession())) throw error;
    response = await send();
    if (!response.ok) throw await ApiError.fromResponse(response);
  }
  if (!response.body) throw new ApiError({ status: 502, code: 'invalid_import_answer' });
  await readImportLines(response.body, onLine);
}

const COUNT_SLICE_BYTES = 1024 * 1024;

/** Data rows of a CSV file (lines after the header, blank ones skipped), read slice by slice. */
export async function countCsvRows(file: Blob): Promise<number> {
  let lines = 0;
  let lineHasContent = false;
  for (let start = 0; start < file.size; start += COUNT_SLICE_BYTES) {
    const bytes = new Uint8Array(await file.slice(start, start + COUNT_SLICE_BYTES).arrayBuffer());
    for (const byte of bytes) {
      if (byte === 0x0a) {
        if (lineHasContent) lines += 1;
        lineHasContent = false;
      } else if (byte !== 0x0d && byte !== 0x20 && byte !== 0x09) {
        lineHasContent = true;
      }
    }
  }
  if (lineHasContent) lines += 1;
  return Math.max(0, lines - 1);
}
