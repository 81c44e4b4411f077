import type { Readable } from 'node:stream';
import { isAdmin } from '@polis/auth-kit';
import { Forbidden, Invalid, type Logger, NotFound } from '@polis/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { UpstreamResolver } from '../discovery/upstream-resolver.js';
import type { GatewayConfig } from '../gateway.config.js';
import { pathOf, sendProblem } from '../http/problem-reply.js';
import { type Authenticator, assertCookieRequestAllowed, type Identity } from '../identity/authenticator.js';
import { issueCsrfToken } from '../identity/csrf.js';
import {
  clearedSessionCookies,
  mergeSetCookie,
  REFRESH_COOKIE,
  readCookies,
  sessionCookies,
} from '../identity/session-cookies.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import { hasDotSegments, type ResolvedRoute, resolveRoute } from '../routing/route-table.js';
import { type BodyLimit, declaredLength, limitBody, PayloadTooLarge, readBody } from './body-limit.js';
import type { ForwardOptions, UpstreamForwarder, UpstreamResponse } from './upstream-forwarder.js';

const MINUTE = 60_000;
/** A token response is a few hundred bytes; anything much bigger is not one. */
const TOKEN_RESPONSE_LIMIT = 64 * 1024;

export interface ProxyDeps {
  config: GatewayConfig;
  resolver: UpstreamResolver;
  authenticator: Authenticator;
  limiter: RateLimiter;
  forwarder: UpstreamForwarder;
  logger: Logger;
}

function isReadable(value: unknown): value is Readable {
  return typeof value === 'object' && value !== null && typeof Reflect.get(value, 'pipe') === 'function';
}

function hasTokenParameter(url: string): boolean {
  const query = url.indexOf('?');
  return query >= 0 && new URLSearchParams(url.slice(query + 1)).has('token');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJsonObject(bytes: Buffer): Record<string, unknown> | undefined {
  if (bytes.length === 0) return {};
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** How a session route's body and answer are handled in cookie mode. */
interface SessionHandling {
  /** Move the tokens of a 200 answer into cookies. */
  issueCookies: boolean;
  /** Clear the session cookies whatever the answer (logout) or when it is a 401 (a dead refresh cookie). */
  clearCookies: 'always' | 'on-401' | 'never';
}

/**
 * `/api/v1/<prefix>/**`: finds the owning service, checks the caller as that route needs
 * (token, disabled account, CSRF, role, rate limit, body size) and streams the request through
 * with the path unchanged.
 */
export class ProxyHandler {
  constructor(private readonly deps: ProxyDeps) {}

  async handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { config, limiter } = this.deps;
    const path = pathOf(request.url);
    if (hasDotSegments(path)) throw new Invalid('The request path is not valid.');
    const route = resolveRoute(request.method, path, hasTokenParameter(request.url));
    const upstream = route === undefined ? undefined : config.upstreams[route.upstream];
    if (route === undefined || upstream === undefined || !upstream.enabled) {
      throw new NotFound(`No service answers ${path}.`);
    }

    let identity: Identity | undefined;
    if (route.access === 'public') {
      await limiter.hit(
        route.login
          ? { scope: 'login-ip', limit: config.limits.loginPerMinute, windowMs: MINUTE }
          : { scope: 'api-ip', limit: config.limits.perMinute, windowMs: MINUTE },
        request.ip,
      );
    } else {
      identity = await this.deps.authenticator.authenticate(request.headers, (principal) =>
        limiter.hit({ scope: 'api-user', limit: config.limits.perMinute, windowMs: MINUTE }, principal.userId),
      );
      if (identity.viaCookie) {
        assertCookieRequestAllowed({
          method: request.method,
          headers: request.headers,
          corsOrigins: config.corsOrigins,
          sessionSecret: config.sessionSecret,
          requireToken: true,
        });
      }
      if (route.access === 'admin' && !isAdmin(identity.principal)) {
        throw new Forbidden('Only administrators may use this route.', 'forbidden');
      }
      Object.assign(request, { user: identity.principal });
    }

    const base = await this.deps.resolver.resolve(upstream);
    const options: ForwardOptions = { upstream, base };
    if (route.upload) options.timeoutMs = Math.max(upstream.timeoutMs, config.limits.uploadTimeoutMs);
    if (identity !== undefined) options.token = identity.principal.token;

    const limit = route.upload ? config.limits.uploadBodyBytes : config.limits.jsonBodyBytes;
    const length = declaredLength(request.headers['content-length']);
    if (length !== undefined && length > limit) {
      reply.header('connection', 'close');
      throw new PayloadTooLarge(limit);
    }

    if (route.session === undefined) {
      const body: unknown = request.body;
      if (isReadable(body)) {
        const limited: BodyLimit = limitBody(body, limit);
        request.body = limited;
        options.bodyLimit = limited;
      }
      return this.deps.forwarder.forward(request, reply, options);
    }
    const handling = await this.prepareSession(request, route, options, limit);
    options.onResponse = (replyToClient, response) => this.answerSession(request, replyToClient, response, handling);
    return this.deps.forwarder.forward(request, reply, options);
  }

  /**
   * Session routes carry small JSON bodies, read whole: refresh and logout get the refresh token
   * from its cookie when the body has none, as Auth expects it in the body.
   */
  private async prepareSession(
    request: FastifyRequest,
    route: ResolvedRoute,
    options: ForwardOptions,
    limit: number,
  ): Promise<SessionHandling> {
    const cookieMode = request.headers['x-session-mode'] === 'cookie';
    if (route.session === 'issue') {
      const body: unknown = request.body;
      if (isReadable(body)) {
        const limited = limitBody(body, limit);
        request.body = limited;
        options.bodyLimit = limited;
      }
      return { issueCookies: cookieMode, clearCookies: 'never' };
    }

    const body: unknown = request.body;
    const bytes = isReadable(body) ? await readBody(body, limit) : Buffer.alloc(0);
    const json = parseJsonObject(bytes);
    const cookieToken = readCookies(request.headers.cookie)[REFRESH_COOKIE];
    let fromCookie = false;
    if (json !== undefined && json.refreshToken === undefined && cookieToken) {
      json.refreshToken = cookieToken;
      fromCookie = true;
    }
    if (json !== undefined) {
      options.body = { json };
    } else {
      options.body = { bytes, contentType: request.headers['content-type'] ?? 'application/octet-stream' };
    }
    if (route.session === 'logout') return { issueCookies: false, clearCookies: 'always' };
    if (fromCookie) {
      // The refresh cookie is SameSite=Strict; the Origin check covers browsers that send it anyway.
      assertCookieRequestAllowed({
        method: request.method,
        headers: request.headers,
        corsOrigins: this.deps.config.corsOrigins,
        sessionSecret: this.deps.config.sessionSecret,
        requireToken: false,
      });
    }
    // A refresh token kept in a cookie never goes back into a body JavaScript can read.
    return { issueCookies: cookieMode || fromCookie, clearCookies: fromCookie ? 'on-401' : 'never' };
  }

  private answerSession(
    request: FastifyRequest,
    reply: FastifyReply,
    response: UpstreamResponse,
    handling: SessionHandling,
  ): void {
    const cookies = this.deps.config.cookies;
    const clear =
      handling.clearCookies === 'always' || (handling.clearCookies === 'on-401' && response.statusCode === 401);
    if (clear)
      reply.header('set-cookie', mergeSetCookie(reply.getHeader('set-cookie'), clearedSessionCookies(cookies)));
    if (!handling.issueCookies || response.statusCode !== 200) {
      void reply.send(response.stream);
      return;
    }
    readBody(response.stream, TOKEN_RESPONSE_LIMIT)
      .then((bytes) => {
        const pair = parseJsonObject(bytes);
        const { accessToken, refreshToken, expiresIn, refreshExpiresIn, tokenType } = pair ?? {};
        reply.removeHeader('content-length');
        if (typeof accessToken !== 'string' || typeof refreshToken !== 'string') {
          void reply.send(bytes);
          return;
        }
        const tokens = {
          accessToken,
          refreshToken,
          ...(typeof expiresIn === 'number' ? { expiresIn } : {}),
          ...(typeof refreshExpiresIn === 'number' ? { refreshExpiresIn } : {}),
        };
        const csrf = issueCsrfToken(this.deps.config.sessionSecret);
        reply.header(
          'set-cookie',
          mergeSetCookie(reply.getHeader('set-cookie'), sessionCookies(tokens, csrf, cookies)),
        );
        reply.header('cache-control', 'no-store');
        void reply.type('application/json').send({ tokenType, expiresIn, refreshExpiresIn });
      })
      .catch((error: unknown) => sendProblem(request, reply, error, this.deps.logger));
  }
}
