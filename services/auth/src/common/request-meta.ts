import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** Where a request came from, for rate limits and audit records. */
export interface RequestMeta {
  ip: string;
  userAgent?: string;
}

interface IncomingRequest {
  ip?: string;
  headers: Record<string, string | string[] | undefined>;
}

export function requestMetaOf(request: IncomingRequest): RequestMeta {
  const userAgent = request.headers['user-agent'];
  const meta: RequestMeta = { ip: request.ip ?? 'unknown' };
  if (typeof userAgent === 'string' && userAgent !== '') meta.userAgent = userAgent.slice(0, 512);
  return meta;
}

/** The caller's IP (as the HTTP server resolves it, proxies included) and user agent. */
export const Meta = createParamDecorator(
  (_data: unknown, context: ExecutionContext): RequestMeta =>
    requestMetaOf(context.switchToHttp().getRequest<IncomingRequest>()),
);
