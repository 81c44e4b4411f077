export { ConfigError, type ConfigIssue, env, loadConfig, PLACEHOLDER_SECRETS, parseIsoDuration } from './config.js';
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
  OPS_ROUTES,
  type RunningService,
  requestIdFor,
  type ServiceOptions,
  startService,
} from './service.js';
export { startTracing, type TracingHandle } from './tracing.js';
