import replyFrom from '@fastify/reply-from';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from '@polis/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DocsService } from './docs/docs.service.js';
import type { GatewayConfig } from './gateway.config.js';
import type { HealthService } from './health/health.service.js';
import { applyCors } from './http/cors.js';
import { sendProblem } from './http/problem-reply.js';
import type { ProxyHandler } from './proxy/proxy.handler.js';
import type { SseRelay } from './sse/sse-relay.js';
import type { WebhookHandler } from './telegram/webhook.handler.js';

export interface GatewayRoutesDeps {
  config: GatewayConfig;
  proxy: ProxyHandler;
  relay: SseRelay;
  webhook: WebhookHandler;
  docs: DocsService;
  health: HealthService;
  logger: Logger;
}

export const DOCS_PREFIX = '/api/v1/docs';

/**
 * @fastify/swagger-ui reads the document from `fastify.swagger()`, which @fastify/swagger would
 * provide; the Gateway's document is merged from the services instead, so this stands in under
 * that plugin's name (the metadata symbols are what fastify-plugin would set).
 */
function documentProvider(docs: DocsService) {
  const plugin = async (instance: FastifyInstance): Promise<void> => {
    instance.decorate('swagger', (options?: { yaml?: boolean }) =>
      // JSON is valid YAML, so the UI's /yaml route needs no serializer of its own.
      options?.yaml ? JSON.stringify(docs.current(), null, 2) : docs.current(),
    );
  };
  return Object.assign(plugin, {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: '@fastify/swagger',
    [Symbol.for('plugin-meta')]: { name: '@fastify/swagger', fastify: '5.x' },
  });
}

/**
 * Every public route of the Gateway, registered on the Fastify instance Nest runs on. Bodies are
 * not parsed here: they stay streams that reply-from pipes to the upstream.
 */
export async function gatewayRoutes(instance: FastifyInstance, deps: GatewayRoutesDeps): Promise<void> {
  const { config, logger } = deps;
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  instance.setErrorHandler((error, request, reply) => sendProblem(request, reply, error, logger));

  instance.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (applyCors(request, reply, config.corsOrigins)) return reply;
  });
  // Open streams would hold the drain until its timeout; ending them lets clients reconnect elsewhere.
  instance.addHook('preClose', async () => {
    deps.relay.closeAll();
  });

  await instance.register(replyFrom, { disableRequestLogging: true, disableCache: true });

  instance.get('/api/v1/health', async (_request, reply) => {
    const report = await deps.health.report();
    return reply.code(report.status === 'ok' ? 200 : 503).send(report);
  });
  instance.get<{ Params: { channel: string } }>('/api/v1/streams/:channel', (request, reply) =>
    deps.relay.handle(request, reply),
  );
  instance.post('/api/v1/telegram/webhook', (request, reply) => deps.webhook.handle(request, reply));
  instance.get(`${DOCS_PREFIX}/openapi.json`, () => deps.docs.document());
  await instance.register(documentProvider(deps.docs));
  await instance.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    uiHooks: {
      onRequest: async () => {
        await deps.docs.document();
      },
    },
  });
  instance.all('/api/v1/*', (request, reply) => deps.proxy.handle(request, reply));
}
