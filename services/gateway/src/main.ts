import { createCache } from '@polis/cache';
import { runStandalone } from '@polis/platform';
import { createGatewayService } from './create-gateway-service.js';
import { gatewayConfigSchema, loadGatewayConfig } from './gateway.config.js';

/** Standalone Gateway process: env → caches → HTTP on GATEWAY_SERVICE_PORT. */
runStandalone('gateway', async ({ env, logger }) => {
  const config = loadGatewayConfig(env);
  const urls = gatewayConfigSchema
    .pick({ REDIS_URL: true, AUTH_REDIS_URL: true, REDIS_RATE_LIMIT_URL: true })
    .parse(env);

  const cache = createCache({ url: urls.REDIS_URL });
  // Separate Redis databases when configured (interfaces.md §0.1: Auth 5, rate limits 4); else the one cache.
  const authCache = urls.AUTH_REDIS_URL ? createCache({ url: urls.AUTH_REDIS_URL }) : cache;
  const rateLimitCache = urls.REDIS_RATE_LIMIT_URL ? createCache({ url: urls.REDIS_RATE_LIMIT_URL }) : cache;

  const service = await createGatewayService({ config, cache, authCache, rateLimitCache, logger });
  const extras = [...new Set([authCache, rateLimitCache])].filter((extra) => extra !== cache);
  return [cache, ...extras.reverse(), service];
});
