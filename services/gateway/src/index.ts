export {
  createGatewayService,
  type GatewayServiceOptions,
  type RunningGatewayService,
  type UpstreamOverrides,
} from './create-gateway-service.js';
export { GATEWAY_ROUTES } from './docs/gateway.routes.js';
export { mergeOpenApi, type ServiceDocs } from './docs/openapi-merge.js';
export {
  type GatewayConfig,
  type GatewayEnv,
  gatewayConfigSchema,
  loadGatewayConfig,
  type SseChannelConfig,
  type UpstreamConfig,
} from './gateway.config.js';
export { GatewayModule } from './gateway.module.js';
export { issueCsrfToken, verifyCsrfToken } from './identity/csrf.js';
export { ACCESS_COOKIE, CSRF_COOKIE, REFRESH_COOKIE } from './identity/session-cookies.js';
export {
  DEFAULT_ENABLED_UPSTREAMS,
  SSE_CHANNELS,
  type SseChannel,
  UPSTREAM_CATALOGUE,
  UPSTREAM_NAMES,
  type UpstreamName,
} from './routing/upstreams.js';
