import { AsyncLocalStorage } from 'node:async_hooks';
import { context, propagation, trace } from '@opentelemetry/api';
import type { Logger } from 'pino';

/** What the platform knows about the HTTP request (or message) being handled right now. */
export interface RequestContext {
  requestId: string;
  /** The logger of the service handling the request; several services may share one process. */
  logger?: Logger;
  /** Read lazily: the auth guard sets `request.user` after the context was entered. */
  userId?: () => string | undefined;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with `ctx` as the current request context (also for work that is not HTTP, e.g. a consumed event). */
export function runWithRequestContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/**
 * Headers that carry the current request id and trace context to an outgoing call, so that one
 * request can be followed across services.
 */
export function outgoingContextHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  const requestId = currentRequestId();
  if (requestId !== undefined) headers['x-request-id'] = requestId;
  return headers;
}

/** Trace and span id of the active OpenTelemetry span, when tracing is on and a span is recording. */
export function activeTraceIds(): { traceId: string; spanId: string } | undefined {
  const spanContext = trace.getSpan(context.active())?.spanContext();
  if (spanContext === undefined || !trace.isSpanContextValid(spanContext)) return undefined;
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}
