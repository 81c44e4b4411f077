import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type RenderOptions, render } from '@testing-library/react';
import { NextIntlClientProvider } from 'next-intl';
import type { ReactElement, ReactNode } from 'react';
import { type ApiBundle, ApiClient, ApiProvider, createPolisApi } from '@/lib/api';
import type { AppLocale } from '@/lib/i18n/locales';
import { loadMessages } from '@/lib/i18n/messages';

export interface TestApi extends ApiBundle {
  fetch: FakeFetch;
}

export type FetchCall = {
  url: string;
  method: string;
  headers: Headers;
  body: unknown;
  credentials: RequestCredentials | undefined;
};
export type FakeResponder = (call: FetchCall) => Response | Promise<Response>;

/** A fetch double that records calls and answers through `respond`. */
export interface FakeFetch {
  (input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  calls: FetchCall[];
}

export function fakeFetch(respond: FakeResponder): FakeFetch {
  const calls: FetchCall[] = [];
  const fn = async (input: RequestInfo | URL, init?: RequestInit) => {
    const text = typeof init?.body === 'string' ? init.body : undefined;
    const call: FetchCall = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: text === undefined ? undefined : JSON.parse(text),
      credentials: init?.credentials,
    };
    calls.push(call);
    return respond(call);
  };
  return Object.assign(fn, { calls });
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

export function problem(status: number, code: string, extra: Record<string, unknown> = {}): Response {
  return new Response(
    JSON.stringify({ type: 'about:blank', title: code, status, code, detail: `${code} detail`, ...extra }),
    { status, headers: { 'content-type': 'application/problem+json' } },
  );
}

export const BASE_URL = 'http://gateway.test/api/v1';

export function testApi(respond: FakeResponder, options: { onSessionEnded?: () => void } = {}): TestApi {
  const fetch = fakeFetch(respond);
  const client = new ApiClient({ baseUrl: BASE_URL, fetch, onSessionEnded: options.onSessionEnded });
  return { client, api: createPolisApi(client), fetch };
}

interface TestProvidersProps {
  api: ApiBundle;
  locale: AppLocale;
  queryClient: QueryClient;
  children: ReactNode;
}

/** What the app's layout and providers give every screen, with a test API client. */
function TestProviders({ api, locale, queryClient, children }: TestProvidersProps) {
  return (
    <NextIntlClientProvider locale={locale} messages={loadMessages(locale)} timeZone="Europe/Moscow">
      <MantineProvider env="test">
        <Notifications />
        <ApiProvider value={api}>
          <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
        </ApiProvider>
      </MantineProvider>
    </NextIntlClientProvider>
  );
}

export function renderWithProviders(
  ui: ReactElement,
  { api, locale = 'ru', ...options }: { api: ApiBundle; locale?: AppLocale } & RenderOptions,
) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  const view = render(
    <TestProviders api={api} locale={locale} queryClient={queryClient}>
      {ui}
    </TestProviders>,
    options,
  );
  return { queryClient, ...view };
}
