import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { DomainError, type Logger, Unavailable } from '@polis/platform';
import type { FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { UpstreamConfig } from '../gateway.config.js';
import type { GatewayMetrics } from '../gateway.metrics.js';
import { pathOf, sendProblem } from '../http/problem-reply.js';
import type { BodyLimit } from './body-limit.js';
import { PayloadTooLarge } from './body-limit.js';
import {
  downstreamResponseHeaders,
  type ForwardContext,
  traceContextFor,
  upstreamRequestHeaders,
} from './forward-headers.js';

/** What the upstream answered, as reply-from hands it over. */
export interface UpstreamResponse {
  statusCode: number;
  stream: Readable;
}

export interface ForwardOptions {
  upstream: UpstreamConfig;
  /** Base URL of the chosen instance. */
  base: string;
  /** Path and query to request; by default the client's own, unchanged. */
  url?: string;
  method?: HTTPMethods;
  /** A replacement body (JSON object, or bytes with their content type); otherwise the request's stream. */
  body?: { json: unknown } | { bytes: Buffer; contentType: string };
  /** The verified token to forward as `Authorization: Bearer`. */
  token?: string;
  /** Replaces the upstream's timeout (uploads take as long as the client needs to send them). */
  timeoutMs?: number;
  /** The limiter the request body streams through, to tell a 413 from a network failure. */
  bodyLimit?: BodyLimit;
  /** Replaces the cleaned client headers entirely (machine-to-machine calls such as the webhook). */
  headers?: (forwarded: IncomingHttpHeaders) => IncomingHttpHeaders;
  /** Takes over the answer; by default the upstream's response streams through unchanged. */
  onResponse?: (reply: FastifyReply, response: UpstreamResponse) => void;
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'FST_REPLY_FROM_GATEWAY_TIMEOUT']);

function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code: unknown = Reflect.get(current, 'code');
    if (typeof code === 'string') codes.push(code);
    current = Reflect.get(current, 'cause');
  }
  return codes;
}

/** What a failed upstream call means for the client (interfaces.md §0.3). */
export function upstreamFailure(error: unknown, upstream: string, bodyLimit?: BodyLimit): DomainError {
  if (bodyLimit?.exceeded) return new PayloadTooLarge(bodyLimit.limitBytes);
  const codes = codesOf(error);
  if (codes.some((code) => TIMEOUT_CODES.has(code))) {
    return new DomainError(504, 'upstream_timeout', `The ${upstream} service did not answer in time.`);
  }
  if (codes.some((code) => UNAVAILABLE_CODES.has(code))) {
    return new Unavailable(`The ${upstream} service cannot be reached.`);
  }
  return new Unavailable(`The ${upstream} service failed to answer.`);
}

function mergeVary(ours: unknown, theirs: unknown): string | undefined {
  const values = [ours, theirs]
    .flatMap((value) => (typeof value === 'string' ? value.split(',') : []))
    .map((value) => value.trim())
    .filter((value) => value !== '');
  const unique = [...new Map(values.map((value) => [value.toLowerCase(), value])).values()];
  return unique.length > 0 ? unique.join(', ') : undefined;
}

/**
 * Sends a request on to an upstream through @fastify/reply-from (undici, bodies streamed both
 * ways), with the Gateway's header rules, failure mapping and metrics.
 */
export class UpstreamForwarder {
  constructor(
    private readonly options: {
      publicOrigin: string;
      metrics: GatewayMetrics;
      logger: Logger;
    },
  ) {}

  /** The request's forwarding headers as this Gateway vouches for them. */
  forwardContext(request: FastifyRequest, token?: string): ForwardContext {
    const { traceparent, traceId } = traceContextFor(request.headers.traceparent);
    const context: ForwardContext = {
      requestId: request.id,
      // Only the client address established under the trusted-hop rule: a chain the client sent
      // itself is never passed on, so services behind the Gateway cannot be fooled by it.
      forwardedFor: request.ip,
      forwardedProto: request.protocol,
      traceparent,
      traceId,
    };
    if (request.host) context.forwardedHost = request.host;
    if (token !== undefined) context.token = token;
    return context;
  }

  forward(request: FastifyRequest, reply: FastifyReply, options: ForwardOptions): FastifyReply {
    const { upstream, base } = options;
    const startedAt = process.hrtime.bigint();
    const context = this.forwardContext(request, options.token);
    const upstreamOrigins = [...new Set([new URL(base).origin, new URL(upstream.baseUrl).origin])];
    const corsVary = reply.getHeader('vary');
    let observed = false;
    const observe = (status: number): void => {
      if (observed) return;
      observed = true;
      this.options.metrics.observeUpstream(upstream.name, status, startedAt);
    };

    const body =
      options.body === undefined
        ? {}
        : 'json' in options.body
          ? { body: options.body.json }
          : { body: options.body.bytes, contentType: options.body.contentType };

    return reply.from(`${base}${options.url ?? request.url}`, {
      ...body,
      ...(options.method ? { method: options.method } : {}),
      timeout: options.timeoutMs ?? upstream.timeoutMs,
      // Upstream answers, 503s included, reach the client as they are; nothing is retried.
      retryDelay: () => null,
      rewriteRequestHeaders: (_request, headers) => {
        const forwarded = upstreamRequestHeaders(headers as IncomingHttpHeaders, context);
        return options.headers ? options.headers(forwarded) : forwarded;
      },
      rewriteHeaders: (headers) => {
        const result = downstreamResponseHeaders(headers as IncomingHttpHeaders, {
          upstreamOrigins,
          publicOrigin: this.options.publicOrigin,
        });
        const vary = mergeVary(corsVary, result.vary);
        if (vary !== undefined) result.vary = vary;
        return result;
      },
      // reply-from hands back the same reply object this method was given; `reply` keeps its types.
      onResponse: (_request, _reply, response) => {
        observe(response.statusCode);
        const upstreamResponse: UpstreamResponse = { statusCode: response.statusCode, stream: response.stream };
        if (options.onResponse) {
          options.onResponse(reply, upstreamResponse);
        } else {
          void reply.send(response.stream);
        }
      },
      onError: (_reply, { error }) => {
        const failure = upstreamFailure(error, upstream.name, options.bodyLimit);
        observe(failure.status);
        if (failure.status === 413) reply.header('connection', 'close');
        this.options.logger.warn(
          { upstream: upstream.name, path: pathOf(request.url), code: failure.code, err: error },
          'upstream call failed',
        );
        sendProblem(request, reply, failure, this.options.logger, { logged: true });
      },
    });
  }
}
