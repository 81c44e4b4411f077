import type { Logger } from '@polis/platform';
import { PROBLEM_CONTENT_TYPE, resolveProblem, toProblemDetails } from '@polis/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';

export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/** Headers an upstream may already have put on the reply that do not describe a problem body. */
const UPSTREAM_ENTITY_HEADERS = [
  'content-length',
  'content-encoding',
  'etag',
  'last-modified',
  'location',
  'set-cookie',
];

/**
 * Answers with the problem+json rendering of `error`, as the platform's exception filter does for
 * Nest routes: the Gateway's own routes are plain Fastify handlers and bypass that filter.
 * `logged`: the caller already logged the failure with more context.
 */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
  logger: Logger,
  options: { logged?: boolean } = {},
): void {
  const problem = resolveProblem(error);
  if (problem.unexpected) {
    logger.error({ err: error, request_id: request.id }, 'unexpected error while handling a request');
  } else if (problem.status >= 500 && !options.logged) {
    logger.warn({ code: problem.code, detail: problem.detail, request_id: request.id }, 'request failed');
  }
  if (reply.sent || reply.raw.headersSent) {
    reply.raw.destroy();
    return;
  }
  const body = toProblemDetails(problem, { instance: pathOf(request.url), traceId: request.id });
  for (const name of UPSTREAM_ENTITY_HEADERS) reply.removeHeader(name);
  void reply.code(problem.status).headers(problem.headers).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}
