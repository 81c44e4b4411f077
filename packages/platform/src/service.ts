import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Registry } from 'prom-client';
import { type ConsulRegistrationHandle, registerWithConsul } from './consul.js';
import { type HttpDurationHistogram, instrumentRegistry } from './http-metrics.js';
import type { Logger } from './logger.js';
import { NestPinoLogger } from './nest-logger.js';
import { buildOpenApi, type OpenApiDocument, type RouteSpec } from './openapi.js';
import { serviceRootModule } from './platform.module.js';
import { ProblemDetailsFilter } from './problem-details.filter.js';
import { fromFastifyError } from './problem-details.js';
import { checkReadiness, DEFAULT_READINESS_TIMEOUT_MS, type ReadinessCheck } from './readiness.js';
import { activeTraceIds, type RequestContext, runWithRequestContext } from './request-context.js';

export interface ServiceOptions {
  /** e.g. 'auth': in logs, the metrics `service` label and the /health body. */
  name: string;
  /** The Nest root module of the service. */
  module: Type<unknown> | DynamicModule;
  /** 0 picks a free port (tests). */
  port: number;
  /** Default '0.0.0.0'. */
  host?: string;
  logger: Logger;
  /** /ready checks: name → a function that throws (or rejects) while the dependency is down. */
  readiness?: Record<string, ReadinessCheck>;
  /** Bound on each readiness check; default 2000 ms. */
  readinessTimeoutMs?: number;
  /** The service's prom-client registry; a fresh one when absent. */
  metrics?: Registry;
  /** Default 1 MiB; a bigger body is answered 413 `payload_too_large`. */
  bodyLimitBytes?: number;
  /** Run in order once HTTP has drained: stop consumers, flush the outbox, close pools. */
  onShutdown?: Array<() => Promise<void>>;
  /**
   * How long close() waits for in-flight requests (and open streams such as SSE) before cutting the
   * remaining connections; default 10 s.
   */
  drainTimeoutMs?: number;
  /**
   * How many proxies in front of this service to trust for X-Forwarded-* (the client address is the
   * entry that many hops back). Never `true` for a public entry point: a client could then choose
   * its own address by sending X-Forwarded-For and dodge per-IP rate limits.
   */
  trustProxy?: number | false;
  /**
   * Register in Consul once listening (health check on `/health`) and deregister first thing on
   * close, so the Gateway stops routing here before the drain starts.
   */
  discovery?: ServiceDiscoveryOptions;
  /** The service's routes, served as an OpenAPI 3.1 document at `GET /docs/openapi.json`. */
  openapi?: { routes: RouteSpec[]; title?: string; version?: string };
}

export interface ServiceDiscoveryOptions {
  consulUrl: string;
  token?: string;
  /** e.g. `auth-service`. */
  serviceName: string;
  /** What other services connect to; default the bind host, or this machine's hostname when binding all interfaces. */
  address?: string;
}

/** Where the service's OpenAPI document is served, at the service root like the other ops routes. */
export const OPENAPI_ROUTE = '/docs/openapi.json';

export interface RunningService {
  name: string;
  /** http://127.0.0.1:<actual port> */
  url: string;
  app: NestFastifyApplication;
  metrics: Registry;
  /** Idempotent: stop accepting, let in-flight requests finish, close Nest, then run the onShutdown hooks. */
  close(): Promise<void>;
}

export const OPS_ROUTES = ['/health', '/ready', '/metrics'] as const;
const OPS_ROUTE_SET = new Set<string>(OPS_ROUTES);
const UNMATCHED_ROUTE = 'unmatched';
const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Keeps a caller's X-Request-Id when it is safe to log and echo; otherwise starts a new one. */
export function requestIdFor(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && SANE_REQUEST_ID.test(value) ? value : randomUUID();
}

function userIdOf(request: FastifyRequest): string | undefined {
  const user: unknown = Reflect.get(request, 'user');
  if (typeof user !== 'object' || user === null) return undefined;
  const userId: unknown = Reflect.get(user, 'userId');
  return typeof userId === 'string' ? userId : undefined;
}

interface RequestState {
  context: RequestContext;
  trace: { traceId: string; spanId: string } | undefined;
}

function installRequestHooks(
  fastify: FastifyInstance,
  options: { logger: Logger; histogram: HttpDurationHistogram; lifecycle: { closing: boolean } },
): void {
  const states = new WeakMap<FastifyRequest, RequestState>();

  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    const context: RequestContext = { requestId: request.id, logger: options.logger, userId: () => userIdOf(request) };
    states.set(request, { context, trace: activeTraceIds() });
    runWithRequestContext(context, done);
  });

  // The body arrives through socket events that run outside the context entered above; re-enter it
  // so that guards, pipes and handlers see the request id.
  fastify.addHook('preValidation', (request, _reply, done) => {
    const state = states.get(request);
    if (state === undefined) done();
    else runWithRequestContext(state.context, done);
  });

  // While draining, answers tell keep-alive clients to hang up, and connections that fall idle are
  // closed at once: otherwise they would hold close() until the keep-alive timeout.
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (options.lifecycle.closing) reply.header('connection', 'close');
    done(null, payload);
  });

  fastify.addHook('onResponse', (request, reply, done) => {
    if (options.lifecycle.closing) setImmediate(() => fastify.server.closeIdleConnections());
    const route = request.is404 ? UNMATCHED_ROUTE : (request.routeOptions.url ?? UNMATCHED_ROUTE);
    const status = reply.statusCode;
    options.histogram.observe({ method: request.method, route, status_code: String(status) }, reply.elapsedTime / 1000);
    const state = states.get(request);
    const level = OPS_ROUTE_SET.has(route) ? 'debug' : status >= 500 ? 'error' : 'info';
    if (options.logger.isLevelEnabled(level)) {
      const fields: Record<string, unknown> = {
        request_id: request.id,
        method: request.method,
        route,
        status,
        duration_ms: Math.round(reply.elapsedTime * 10) / 10,
      };
      if (route === UNMATCHED_ROUTE) fields.path = request.url.split('?')[0];
      const userId = userIdOf(request);
      if (userId !== undefined) fields.user_id = userId;
      if (state?.trace !== undefined) {
        fields.trace_id = state.trace.traceId;
        fields.span_id = state.trace.spanId;
      }
      options.logger[level](fields, 'request completed');
    }
    done();
  });
}

function registerOpsRoutes(
  fastify: FastifyInstance,
  options: {
    name: string;
    metrics: Registry;
    readiness: Record<string, ReadinessCheck>;
    readinessTimeoutMs: number;
    openapi: ServiceOptions['openapi'];
  },
): void {
  fastify.get('/health', async () => ({ status: 'ok', service: options.name }));
  fastify.get('/ready', async (_request, reply) => {
    const report = await checkReadiness(options.readiness, options.readinessTimeoutMs);
    return reply.code(report.status === 'ok' ? 200 : 503).send(report);
  });
  fastify.get('/metrics', async (_request, reply) => {
    const text = await options.metrics.metrics();
    return reply.type(options.metrics.contentType).send(text);
  });
  const openapi = options.openapi;
  if (openapi !== undefined) {
    let document: OpenApiDocument | undefined;
    fastify.get(OPENAPI_ROUTE, async () => {
      document ??= buildOpenApi({
        title: openapi.title ?? options.name,
        version: openapi.version ?? process.env.SERVICE_VERSION ?? process.env.npm_package_version ?? 'dev',
        routes: openapi.routes,
      });
      return document;
    });
  }
}

function discoveryAddress(discovery: ServiceDiscoveryOptions, host: string): string {
  if (discovery.address) return discovery.address;
  return host === '0.0.0.0' || host === '::' ? hostname() : host;
}

/**
 * Fastify reports body-parsing failures to its error handler, which Nest installs and which turns
 * them into bare HttpExceptions; translating them first keeps their meaning (malformed JSON, body
 * too large, unsupported type) for the problem+json filter.
 */
class PolisFastifyAdapter extends FastifyAdapter {
  override setErrorHandler(handler: Parameters<FastifyAdapter['setErrorHandler']>[0]) {
    return super.setErrorHandler(function (this: ThisParameterType<typeof handler>, error, request, reply) {
      return handler.call(this, fromFastifyError(error), request, reply);
    });
  }
}

function localUrl(address: string | AddressInfo | null, host: string): string {
  if (address === null || typeof address === 'string') throw new Error(`The HTTP server is not listening on a port`);
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${address.port}`;
}

/**
 * Boots a Nest service on Fastify with everything every Polis service shares: request ids and
 * request logs, problem+json errors, /health, /ready, /metrics and graceful shutdown. Several
 * services can run in one process; nothing here is process-wide except Nest's static logger.
 */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const { logger, name } = options;
  const host = options.host ?? '0.0.0.0';
  const metrics = options.metrics ?? new Registry();
  const histogram = instrumentRegistry(metrics, name);

  const adapter = new PolisFastifyAdapter({
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    trustProxy: options.trustProxy ?? false,
    logger: false,
    requestIdHeader: false,
    genReqId: (raw: IncomingMessage) => requestIdFor(raw.headers['x-request-id']),
    // Idle keep-alive sockets would otherwise hold close() until they time out.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  const fastify: FastifyInstance = adapter.getInstance();
  const lifecycle = { closing: false };
  installRequestHooks(fastify, { logger, histogram, lifecycle });
  registerOpsRoutes(fastify, {
    name,
    metrics,
    readiness: options.readiness ?? {},
    readinessTimeoutMs: options.readinessTimeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS,
    openapi: options.openapi,
  });

  const app = await NestFactory.create<NestFastifyApplication>(
    serviceRootModule(options.module, logger, metrics),
    adapter,
    {
      logger: new NestPinoLogger(logger),
      bufferLogs: false,
      abortOnError: false,
    },
  );
  app.useGlobalFilters(new ProblemDetailsFilter(logger));

  try {
    await app.listen(options.port, host);
  } catch (error) {
    await app.close().catch((closeError: unknown) => logger.error({ err: closeError }, 'closing after a failed start'));
    throw error;
  }
  const url = localUrl(fastify.server.address(), host);
  logger.info({ url }, `${name} listening`);

  let registration: ConsulRegistrationHandle | undefined;
  const discovery = options.discovery;
  if (discovery !== undefined) {
    const address = discoveryAddress(discovery, host);
    const port = new URL(url).port;
    try {
      registration = await registerWithConsul({
        consulUrl: discovery.consulUrl,
        token: discovery.token,
        name: discovery.serviceName,
        id: `${discovery.serviceName}-${address}-${port}`,
        address,
        port: Number(port),
        checkPath: '/health',
      });
      logger.info({ service: discovery.serviceName, address, port: Number(port) }, 'registered in Consul');
    } catch (error) {
      await app
        .close()
        .catch((closeError: unknown) => logger.error({ err: closeError }, 'closing after a failed start'));
      throw error;
    }
  }

  let closing: Promise<void> | undefined;
  const shutdown = async (): Promise<void> => {
    logger.info(`${name} shutting down`);
    if (registration !== undefined) {
      try {
        await registration.deregister();
      } catch (error) {
        logger.error({ err: error }, 'deregistering from Consul failed');
      }
    }
    lifecycle.closing = true;
    const drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
    const cutOff = setTimeout(() => {
      logger.warn(
        { timeout_ms: drainTimeoutMs },
        'requests still open after the drain timeout; closing their connections',
      );
      fastify.server.closeAllConnections();
    }, drainTimeoutMs);
    try {
      // Fastify stops accepting connections and waits for the requests in flight; Nest's own
      // close() would run the providers' destroy hooks first, while those requests still need them.
      await fastify.close();
    } catch (error) {
      logger.error({ err: error }, 'HTTP server did not close cleanly');
    } finally {
      clearTimeout(cutOff);
    }
    try {
      await app.close();
    } catch (error) {
      logger.error({ err: error }, 'Nest application did not close cleanly');
    }
    for (const [index, hook] of (options.onShutdown ?? []).entries()) {
      try {
        await hook();
      } catch (error) {
        logger.error({ err: error, hook: index }, 'shutdown hook failed');
      }
    }
    logger.info(`${name} stopped`);
  };

  return {
    name,
    url,
    app,
    metrics,
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}

export interface CloseOnSignalsOptions {
  /** After this long the process exits with 1 even if something still closes; default 25 s. */
  timeoutMs?: number;
  /** Default SIGTERM and SIGINT. */
  signals?: NodeJS.Signals[];
  /** Default `process.exit`; replaceable for tests. */
  exit?: (code: number) => void;
}

/**
 * For an entry point: on SIGTERM/SIGINT close every target, last started first, and exit 0 (1 when
 * one failed or the timeout passed). A second signal exits at once. Returns a function that
 * removes the handlers.
 */
export function closeOnSignals(
  targets: Array<{ close(): Promise<void> }>,
  logger: Logger,
  options: CloseOnSignalsOptions = {},
): () => void {
  const timeoutMs = options.timeoutMs ?? 25_000;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let shuttingDown = false;
  let exited = false;
  const exitOnce = (code: number): void => {
    if (exited) return;
    exited = true;
    exit(code);
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    if (shuttingDown) {
      logger.warn({ signal }, 'second signal during shutdown; exiting now');
      exitOnce(1);
      return;
    }
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeout_ms: timeoutMs }, 'shutdown did not finish in time; exiting');
      exitOnce(1);
    }, timeoutMs);
    void (async () => {
      let failed = false;
      for (const target of [...targets].reverse()) {
        try {
          await target.close();
        } catch (error) {
          failed = true;
          logger.error({ err: error }, 'closing failed during shutdown');
        }
      }
      clearTimeout(timer);
      logger.info('shutdown complete');
      exitOnce(failed ? 1 : 0);
    })();
  };

  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}
