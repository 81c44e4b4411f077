import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Logger } from './logger.js';
import { PROBLEM_CONTENT_TYPE, resolveProblem, toProblemDetails } from './problem-details.js';
import { currentRequestId } from './request-context.js';

function isFastifyReply(value: unknown): value is FastifyReply {
  return (
    typeof value === 'object' && value !== null && 'raw' in value && typeof Reflect.get(value, 'code') === 'function'
  );
}

function isServerResponse(value: unknown): value is ServerResponse {
  return typeof value === 'object' && value !== null && typeof Reflect.get(value, 'setHeader') === 'function';
}

/**
 * The path without its query string. A middleware sees Node's raw request, whose `url` middie has
 * cut down to the part after the mount path; `originalUrl` keeps the whole of it.
 */
function requestPath(request: unknown): string {
  if (typeof request !== 'object' || request === null) return '';
  const original: unknown = Reflect.get(request, 'originalUrl');
  const url: unknown = typeof original === 'string' ? original : Reflect.get(request, 'url');
  return typeof url === 'string' ? (url.split('?')[0] ?? url) : '';
}

function requestIdOf(request: unknown): string {
  const id = typeof request === 'object' && request !== null ? Reflect.get(request, 'id') : undefined;
  return typeof id === 'string' ? id : (currentRequestId() ?? randomUUID());
}

/**
 * The one exception filter: everything thrown while serving HTTP (domain errors, Nest HTTP
 * exceptions, Fastify's parsing errors, bugs) leaves as application/problem+json.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request: unknown = http.getRequest();
    const response: unknown = http.getResponse();
    const problem = resolveProblem(exception);
    const traceId = requestIdOf(request);
    const body = toProblemDetails(problem, { instance: requestPath(request), traceId });

    if (problem.unexpected) {
      this.logger.error({ err: exception, request_id: traceId }, 'unexpected error while handling a request');
    } else if (problem.status >= 500) {
      this.logger.warn({ code: problem.code, detail: problem.detail, request_id: traceId }, 'request failed');
    }

    const payload = JSON.stringify(body);
    if (isFastifyReply(response)) {
      if (response.sent || response.raw.headersSent) return;
      response.code(problem.status).headers(problem.headers).type(PROBLEM_CONTENT_TYPE).send(payload);
    } else if (isServerResponse(response)) {
      // A Nest middleware failed: Nest hands us Node's raw response instead of a Fastify reply.
      if (response.headersSent) return;
      response.statusCode = problem.status;
      for (const [name, value] of Object.entries(problem.headers)) response.setHeader(name, value);
      response.setHeader('content-type', PROBLEM_CONTENT_TYPE);
      response.setHeader('x-request-id', traceId);
      response.end(payload);
    }
  }
}
