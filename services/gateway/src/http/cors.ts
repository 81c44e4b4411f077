import type { FastifyReply, FastifyRequest } from 'fastify';

export const CORS_ALLOWED_HEADERS = [
  'Content-Type',
  'Authorization',
  'X-CSRF-Token',
  'X-Session-Mode',
  'X-Request-Id',
  'Last-Event-ID',
  'Idempotency-Key',
];
export const CORS_EXPOSED_HEADERS = ['X-Request-Id', 'Retry-After', 'X-Total-Count', 'Location', 'Content-Disposition'];
const CORS_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';
const PREFLIGHT_MAX_AGE = '600';

/**
 * CORS for the web app's origins (`CORS_ORIGINS`), with credentials. Answers preflights itself;
 * returns true when it did, so the request goes no further.
 */
export function applyCors(request: FastifyRequest, reply: FastifyReply, allowedOrigins: readonly string[]): boolean {
  const origin = request.headers.origin;
  const allowed = origin !== undefined && allowedOrigins.includes(origin);
  reply.header('vary', 'Origin');
  if (allowed) {
    reply.header('access-control-allow-origin', origin);
    reply.header('access-control-allow-credentials', 'true');
  }
  const preflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
  if (!preflight) {
    if (allowed) reply.header('access-control-expose-headers', CORS_EXPOSED_HEADERS.join(', '));
    return false;
  }
  if (allowed) {
    reply.header('access-control-allow-methods', CORS_METHODS);
    reply.header('access-control-allow-headers', CORS_ALLOWED_HEADERS.join(', '));
    reply.header('access-control-max-age', PREFLIGHT_MAX_AGE);
  }
  // A refused origin gets no CORS headers: the browser then blocks the actual request.
  void reply.code(204).send();
  return true;
}
