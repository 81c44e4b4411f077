import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { outgoingContextHeaders } from '@polis/platform';
import { withoutSessionCookies } from '../identity/session-cookies.js';

/** RFC 9110 §7.6.1 connection-specific headers, plus the non-standard `proxy-connection`. */
export const HOP_BY_HOP_HEADERS = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
] as const;

/**
 * Never copied from the client: the body length is recomputed, `expect` is answered here, and the
 * identity, request id, trace and client address headers are the Gateway's to set.
 */
const CLIENT_HEADERS_REPLACED = [
  ...HOP_BY_HOP_HEADERS,
  'content-length',
  'expect',
  'x-request-id',
  'traceparent',
  'tracestate',
  'x-trace-id',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'forwarded',
  'x-real-ip',
  'x-csrf-token',
];

export interface ForwardContext {
  requestId: string;
  /** The verified access token; absent on public routes, where the client's own header (if any) is kept. */
  token?: string;
  /** The X-Forwarded-For value to send (chain so far plus the client address). */
  forwardedFor: string;
  /** Protocol and host the client used. */
  forwardedProto: string;
  forwardedHost?: string;
  traceparent: string;
  traceId: string;
}

/** Headers for the upstream request: what the client sent, cleaned, plus what the Gateway vouches for. */
export function upstreamRequestHeaders(headers: IncomingHttpHeaders, context: ForwardContext): IncomingHttpHeaders {
  const result: IncomingHttpHeaders = { ...headers };
  for (const name of CLIENT_HEADERS_REPLACED) delete result[name];
  for (const name of Object.keys(result)) {
    if (name.startsWith('x-user-')) delete result[name];
  }
  const cookie = withoutSessionCookies(headers.cookie);
  if (cookie === undefined) delete result.cookie;
  else result.cookie = cookie;
  if (context.token !== undefined) result.authorization = `Bearer ${context.token}`;
  result['x-request-id'] = context.requestId;
  result.traceparent = context.traceparent;
  result['x-trace-id'] = context.traceId;
  result['x-forwarded-for'] = context.forwardedFor;
  result['x-forwarded-proto'] = context.forwardedProto;
  if (context.forwardedHost !== undefined) result['x-forwarded-host'] = context.forwardedHost;
  return result;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);

/**
 * The W3C trace context for the upstream call: the active OpenTelemetry span when tracing is on,
 * otherwise the client's trace continued with a new span id, otherwise a new trace.
 */
export function traceContextFor(incoming: string | string[] | undefined): { traceparent: string; traceId: string } {
  const active = outgoingContextHeaders().traceparent;
  const candidate = active ?? (Array.isArray(incoming) ? incoming[0] : incoming);
  const match = candidate === undefined ? null : TRACEPARENT.exec(candidate.trim().toLowerCase());
  if (match && match[1] !== ZERO_TRACE) {
    const traceId = match[1] ?? '';
    if (active !== undefined) return { traceparent: active, traceId };
    return { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-${match[3]}`, traceId };
  }
  const traceId = randomBytes(16).toString('hex');
  return { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`, traceId };
}

function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/**
 * An absolute `Location` that points at the upstream itself is turned into the same path on the
 * public origin; anything else (relative, or another host such as a signed storage link) is kept.
 */
export function rewriteLocation(location: string, upstreamOrigins: readonly string[], publicOrigin: string): string {
  const origin = originOf(location);
  if (origin === undefined || !upstreamOrigins.includes(origin)) return location;
  const url = new URL(location);
  return `${publicOrigin}${url.pathname}${url.search}${url.hash}`;
}

/** Headers of the upstream's response as the client gets them. */
export function downstreamResponseHeaders(
  headers: IncomingHttpHeaders,
  context: { upstreamOrigins: readonly string[]; publicOrigin: string },
): IncomingHttpHeaders {
  const result: IncomingHttpHeaders = { ...headers };
  for (const name of HOP_BY_HOP_HEADERS) delete result[name];
  for (const name of Object.keys(result)) {
    // CORS is answered by the Gateway alone.
    if (name.startsWith('access-control-')) delete result[name];
  }
  const location = headers.location;
  if (typeof location === 'string') {
    result.location = rewriteLocation(location, context.upstreamOrigins, context.publicOrigin);
  }
  return result;
}
