import { createCache } from '@polis/cache';
import { closeOnSignals, createLogger, startTracing } from '@polis/platform';
import { createGatewayService } from './create-gateway-service.js';
import { gatewayConfigSchema, loadGatewayConfig } from './gateway.config.js';

/** Standalone Gateway process: env → caches → HTTP on GATEWAY_SERVICE_PORT. */
async function main(): Promise<void> {
  const env = process.env;
  const logger = createLogger({ service: 'gateway' });
  const tracing = await startTracing({ serviceName: 'gateway' });
  const config = loadGatewayConfig(env);
  const urls = gatewayConfigSchema
    .pick({ REDIS_URL: true, AUTH_REDIS_URL: true, REDIS_RATE_LIMIT_URL: true })
    .parse(env);

  const cache = createCache({ url: urls.REDIS_URL });
  // Separate Redis databases when configured (interfaces.md §0.1: Auth 5, rate limits 4); else the one cache.
  const authCache = urls.AUTH_REDIS_URL ? createCache({ url: urls.AUTH_REDIS_URL }) : cache;
  const rateLimitCache = urls.REDIS_RATE_LIMIT_URL ? createCache({ url: urls.REDIS_RATE_LIMIT_URL }) : cache;

  const service = await createGatewayService({ config, cache, authCache, rateLimitCache, logger });
  const infrastructure = {
    async close() {
      for (const extra of new Set([authCache, rateLimitCache])) if (extra !== cache) await extra.close();
      await cache.close();
      await tracing.shutdown();
    },
  };
  closeOnSignals([infrastructure, service], logger);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
