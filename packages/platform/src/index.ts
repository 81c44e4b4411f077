export { CallerHttp, discard } from './caller-http.js';
export { addDays, type Clock, systemClock } from './clock.js';
export { ConfigError, type ConfigIssue, env, loadConfig, PLACEHOLDER_SECRETS, parseIsoDuration } from './config.js';
export {
  type ConsulConnection,
  type ConsulInstance,
  type ConsulLookup,
  type ConsulRegistrationHandle,
  type ConsulServiceRegistration,
  listHealthyInstances,
  registerWithConsul,
} from './consul.js';
export {
  Conflict,
  DomainError,
  type DomainErrorOptions,
  type FieldError,
  Forbidden,
  Gone,
  Invalid,
  NotFound,
  parseInput,
  TooManyRequests,
  Unauthorized,
  Unavailable,
} from './errors.js';
export { HTTP_DURATION_METRIC, type HttpDurationHistogram, instrumentRegistry } from './http-metrics.js';
export { createLogger, type Logger, type LoggerOptions, REDACTED_FIELDS } from './logger.js';
export { NestPinoLogger } from './nest-logger.js';
export {
  type BuildOpenApiOptions,
  buildOpenApi,
  type HttpMethod,
  type JsonSchema,
  OPENAPI_VERSION,
  type OpenApiDocument,
  type OpenApiOperation,
  type OpenApiParameter,
  PROBLEM_SCHEMA_NAME,
  type RouteAuth,
  type RouteResponseSpec,
  type RouteSpec,
  toOpenApiPath,
} from './openapi.js';
export { LOGGER, METRICS, PlatformModule } from './platform.module.js';
export { ProblemDetailsFilter } from './problem-details.filter.js';
export {
  codeForStatus,
  INTERNAL_ERROR_DETAIL,
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPE_BASE,
  type ProblemDetails,
  type ResolvedProblem,
  resolveProblem,
  titleForStatus,
  toProblemDetails,
} from './problem-details.js';
export { normalizeQuery } from './query.js';
export {
  checkReadiness,
  DEFAULT_READINESS_TIMEOUT_MS,
  type DependencyStatus,
  type ReadinessCheck,
  type ReadinessReport,
} from './readiness.js';
export {
  activeTraceIds,
  currentRequestContext,
  currentRequestId,
  outgoingContextHeaders,
  type RequestContext,
  runWithRequestContext,
} from './request-context.js';
export {
  type CloseOnSignalsOptions,
  closeOnSignals,
  OPENAPI_ROUTE,
  OPS_ROUTES,
  type RunningService,
  requestIdFor,
  type ServiceDiscoveryOptions,
  type ServiceOptions,
  startService,
} from './service.js';
export {
  type AuthVerifierSettings,
  authVerifierEnv,
  authVerifierSettings,
  type ConsulSettings,
  consulDiscovery,
  consulEnv,
  consulSettings,
  isTimeZone,
} from './service-config.js';
export {
  runStandalone,
  type ServiceConnections,
  type StandaloneContext,
  serviceConnections,
} from './standalone.js';
export { startTracing, type TracingHandle } from './tracing.js';
