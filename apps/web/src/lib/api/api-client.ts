import { apiBaseUrl } from './api-config';
import { ApiError } from './api-error';
import { readCookie } from './cookies';

/** Readable double-submit cookie the Gateway sets next to the httpOnly session cookies. */
export const CSRF_COOKIE = 'crm_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';
/** Asks the Gateway to move tokens into httpOnly cookies instead of the JSON body. */
export const SESSION_MODE_HEADER = 'X-Session-Mode';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | null | undefined | readonly (string | number)[];

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, QueryValue>;
  /** Login, refresh and activation: the Gateway keeps the tokens in cookies. */
  sessionMode?: boolean;
  /** `false` for the sign-in calls themselves: their 401/403 is the answer, not a stale session. */
  sessionRequired?: boolean;
  signal?: AbortSignal;
}

export type SessionEndReason = 'expired' | 'disabled' | 'logout';

export interface ApiClientOptions {
  baseUrl?: string;
  fetch?: typeof fetch;
  readCsrfToken?: () => string | null;
  /** A session began or was renewed; `expiresInSeconds` is the access token's lifetime. */
  onSessionStarted?: (expiresInSeconds: number) => void;
  /** The session cannot continue (refresh refused, account disabled) or the user signed out. */
  onSessionEnded?: (reason: SessionEndReason) => void;
}

const UNSAFE_METHODS: ReadonlySet<HttpMethod> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function browserCsrfToken(): string | null {
  return typeof document === 'undefined' ? null : readCookie(CSRF_COOKIE, document.cookie);
}

/**
 * fetch for the Gateway in cookie mode. A 401 that a refresh may cure triggers ONE shared
 * `/auth/refresh` (concurrent callers wait for the same call) and a single retry.
 */
export class ApiClient {
  readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly readCsrfToken: () => string | null;
  private readonly onSessionStarted: (expiresInSeconds: number) => void;
  private readonly onSessionEnded: (reason: SessionEndReason) => void;
  private refreshing: Promise<boolean> | null = null;
  /**
   * Counts completed refreshes. A request sent before the latest refresh that still got a 401 was
   * carrying the old cookie: it is retried without refreshing again.
   */
  private generation = 0;

  constructor(options: ApiClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? apiBaseUrl()).replace(/\/+$/, '');
    const custom = options.fetch;
    // Calling window.fetch as a method of another object throws "Illegal invocation".
    this.fetchImpl = custom ?? ((input, init) => globalThis.fetch(input, init));
    this.readCsrfToken = options.readCsrfToken ?? browserCsrfToken;
    this.onSessionStarted = options.onSessionStarted ?? (() => undefined);
    this.onSessionEnded = options.onSessionEnded ?? (() => undefined);
  }

  url(path: string, query?: Record<string, QueryValue>): string {
    // A relative base (`/api/v1`, when the web app and the Gateway share one public origin behind an
    // ingress) resolves against the page's origin.
    const url = new URL(`${this.baseUrl}${path.startsWith('/') ? path : `/${path}`}`, globalThis.location?.origin);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null || value === '') continue;
      if (Array.isArray(value)) {
        for (const item of value) url.searchParams.append(key, String(item));
      } else {
        url.searchParams.set(key, String(value));
      }
    }
    return url.toString();
  }

  async request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    const sentAtGeneration = this.generation;
    const response = await this.send(method, path, options);
    if (response.ok) return this.readBody<T>(response, options);

    const error = await ApiError.fromResponse(response);
    if (options.sessionRequired === false) throw error;
    if (!error.isRefreshable) throw this.sessionFailure(error);

    const renewed = sentAtGeneration !== this.generation || (await this.refreshSession());
    if (!renewed) {
      this.endSession('expired');
      throw error;
    }
    const retried = await this.send(method, path, options);
    if (retried.ok) return this.readBody<T>(retried, options);
    const retryError = await ApiError.fromResponse(retried);
    if (retryError.isRefreshable) {
      this.endSession('expired');
      throw retryError;
    }
    throw this.sessionFailure(retryError);
  }

  /**
   * Renews the session from the refresh cookie. Concurrent callers share one call. Resolves
   * `false` when the server refuses (sign in again); rejects only when the server is unreachable.
   */
  refreshSession(): Promise<boolean> {
    if (!this.refreshing) {
      this.refreshing = this.refreshOnce().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  endSession(reason: SessionEndReason): void {
    this.onSessionEnded(reason);
  }

  private async refreshOnce(): Promise<boolean> {
    const response = await this.send('POST', '/auth/refresh', { body: {}, sessionMode: true });
    if (!response.ok) {
      await response.body?.cancel();
      return false;
    }
    await this.readBody<unknown>(response, { sessionMode: true });
    this.generation += 1;
    return true;
  }

  /** A disabled account ends the session everywhere; other errors are for the caller. */
  private sessionFailure(error: ApiError): ApiError {
    if (error.status === 403 && error.code === 'user_disabled') this.endSession('disabled');
    return error;
  }

  private async send(method: HttpMethod, path: string, options: RequestOptions): Promise<Response> {
    const headers = new Headers({ Accept: 'application/json' });
    let body: string | undefined;
    if (options.body !== undefined) {
      headers.set('Content-Type', 'application/json');
      body = JSON.stringify(options.body);
    }
    if (options.sessionMode) headers.set(SESSION_MODE_HEADER, 'cookie');
    if (UNSAFE_METHODS.has(method)) {
      const csrf = this.readCsrfToken();
      if (csrf) headers.set(CSRF_HEADER, csrf);
    }
    try {
      return await this.fetchImpl(this.url(path, options.query), {
        method,
        headers,
        body,
        credentials: 'include',
        cache: 'no-store',
        signal: options.signal,
      });
    } catch (cause) {
      if (options.signal?.aborted) throw cause;
      throw ApiError.network(cause);
    }
  }

  private async readBody<T>(response: Response, options: RequestOptions): Promise<T> {
    const text = response.status === 204 ? '' : await response.text();
    const body: unknown = text === '' ? undefined : JSON.parse(text);
    if (options.sessionMode && isSessionBody(body)) this.onSessionStarted(body.expiresIn);
    // The contracts describe what the Gateway answers; the body is trusted to match its route's type.
    return body as T;
  }
}

function isSessionBody(body: unknown): body is { expiresIn: number } {
  return (
    typeof body === 'object' &&
    body !== null &&
    'expiresIn' in body &&
    typeof body.expiresIn === 'number' &&
    Number.isFinite(body.expiresIn)
  );
}
