import type { LoggerService } from '@nestjs/common';
import type { Level } from 'pino';
import type { Logger } from './logger.js';
import { currentRequestContext } from './request-context.js';

// Nest announces every module and route it sets up; useful when debugging, noise otherwise.
const BOOTSTRAP_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
]);

/**
 * Sends Nest's own log lines to pino. Nest keeps one logger per process, so inside a request the
 * line goes to the logger of the service serving it; elsewhere to the service that started last.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    const logger = currentRequestContext()?.logger ?? this.logger;
    const rest = [...params];
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? String(rest.pop()) : undefined;
    const effective = level === 'info' && context !== undefined && BOOTSTRAP_CONTEXTS.has(context) ? 'debug' : level;
    if (!logger.isLevelEnabled(effective)) return;
    const fields: Record<string, unknown> = { component: 'nest' };
    if (context !== undefined) fields.context = context;
    if (message instanceof Error) {
      fields.err = message;
      logger[effective](fields, message.message);
      return;
    }
    const stack = rest.find((param): param is string => typeof param === 'string' && param.includes('\n    at '));
    if (stack !== undefined) fields.stack = stack;
    logger[effective](fields, typeof message === 'string' ? message : JSON.stringify(message));
  }
}
