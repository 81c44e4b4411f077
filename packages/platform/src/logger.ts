import { pino } from 'pino';
import { ConfigError } from './config.js';
import { activeTraceIds, currentRequestContext } from './request-context.js';

export type Logger = import('pino').Logger;

export interface LoggerOptions {
  service: string;
  /** Defaults to `LOG_LEVEL`, then `info`; `silent` turns logging off. */
  level?: string;
  /** Defaults to `SERVICE_VERSION`, then the npm package version. */
  version?: string;
  /** Where the JSON lines go; stdout when absent. */
  destination?: pino.DestinationStream;
}

/** Field names whose values never reach a log line, wherever they sit in a logged object. */
export const REDACTED_FIELDS = [
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'newPassword',
  'currentPassword',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'secret',
  'clientSecret',
  'key',
  'privateKey',
  'apiKey',
  'x-api-key',
] as const;

// pino's redaction has no recursive wildcard, so each field is listed at every depth up to this one.
const REDACTION_DEPTH = 4;

function redactionPaths(): string[] {
  const paths: string[] = [];
  for (const field of REDACTED_FIELDS) {
    const segment = /^[A-Za-z_$][\w$]*$/.test(field) ? field : `["${field}"]`;
    for (let depth = 0; depth < REDACTION_DEPTH; depth++) {
      paths.push(`${'*.'.repeat(depth)}${segment}`);
    }
  }
  return paths;
}

function resolveLevel(requested: string | undefined): string {
  const level = (requested ?? process.env.LOG_LEVEL ?? '').trim() || 'info';
  if (level !== 'silent' && !(level in pino.levels.values)) {
    const known = [...Object.keys(pino.levels.values), 'silent'].join(', ');
    throw new ConfigError(`LOG_LEVEL: expected one of ${known}, got '${level}'`);
  }
  return level;
}

/**
 * A JSON logger with the fields of platform.md §9. Lines written while a request is handled carry
 * its request id, user id and trace ids without the caller passing them.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: resolveLevel(options.level),
      base: {
        service: options.service,
        env: process.env.NODE_ENV ?? 'development',
        version: options.version ?? process.env.SERVICE_VERSION ?? process.env.npm_package_version ?? 'dev',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: redactionPaths(), censor: '[REDACTED]' },
      mixin() {
        const fields: Record<string, string> = {};
        const ctx = currentRequestContext();
        if (ctx !== undefined) {
          fields.request_id = ctx.requestId;
          const userId = ctx.userId?.();
          if (userId !== undefined) fields.user_id = userId;
        }
        const ids = activeTraceIds();
        if (ids !== undefined) {
          fields.trace_id = ids.traceId;
          fields.span_id = ids.spanId;
        }
        return fields;
      },
    },
    options.destination,
  );
}
