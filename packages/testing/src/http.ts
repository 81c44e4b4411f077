export type Json = Record<string, unknown>;

export interface ApiResponse<T = Json> {
  status: number;
  headers: Headers;
  /** The body parsed as JSON; the raw text when it is not JSON; undefined when empty. */
  body: T;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as-is (already serialised), for malformed or oversized bodies. */
  rawBody?: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  headers?: Record<string, string>;
}

export interface JsonClientOptions {
  /** `manual` to see redirects (3xx) instead of following them. */
  redirect?: 'follow' | 'manual' | 'error';
}

export type JsonRequest = <T = Json>(method: string, path: string, options?: RequestOptions) => Promise<ApiResponse<T>>;

/** One HTTP request with a JSON body (or a raw one) to `url`. */
export async function requestJson<T = Json>(
  url: string,
  method: string,
  options: RequestOptions = {},
  clientOptions: JsonClientOptions = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  } else if (body !== undefined) {
    headers['content-type'] ??= 'application/json';
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(url, {
    method,
    headers,
    body,
    ...(clientOptions.redirect ? { redirect: clientOptions.redirect } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: parseBody(text) as T, text };
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Requests to one service: `base` is its address (a function when it is known only later). */
export function jsonClient(base: string | (() => string), clientOptions: JsonClientOptions = {}): JsonRequest {
  const baseOf = typeof base === 'string' ? () => base : base;
  return (method, path, options) => requestJson(`${baseOf()}${path}`, method, options, clientOptions);
}
