import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import { DomainError, type FieldError, Invalid } from './errors.js';

/** interfaces.md §0.3: the body of every error response. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance: string;
  traceId: string;
  errors?: FieldError[];
  details?: Record<string, unknown>;
}

/** What an error means for the client, before the request-specific fields are added. */
export interface ResolvedProblem {
  status: number;
  code: string;
  detail: string;
  headers: Record<string, string>;
  errors?: FieldError[];
  details?: Record<string, unknown>;
  /** An error the service did not expect: log it with its stack, tell the client nothing about it. */
  unexpected: boolean;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'https://polis.dev/problems/';
export const MALFORMED_JSON_DETAIL = 'Malformed JSON body';
export const INTERNAL_ERROR_DETAIL = 'An unexpected error occurred. Quote the traceId when reporting it.';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'validation_error',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  409: 'conflict',
  410: 'gone',
  411: 'length_required',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  422: 'validation_error',
  429: 'rate_limited',
  431: 'headers_too_large',
  500: 'internal_error',
  501: 'not_implemented',
  502: 'bad_gateway',
  503: 'upstream_unavailable',
  504: 'upstream_timeout',
};

/** Fastify's request-parsing failures, answered with a message of our own. */
const FASTIFY_PROBLEMS: Record<string, { status: number; code: string; detail: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'validation_error', detail: MALFORMED_JSON_DETAIL },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'validation_error', detail: 'Empty JSON body' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'validation_error',
    detail: 'The request body size does not match Content-Length',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'payload_too_large',
    detail: 'The request body is larger than this service accepts',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    detail: 'The Content-Type of the request body is not supported',
  },
};

export function codeForStatus(status: number): string {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : `http_${status}`);
}

export function titleForStatus(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

function numericProperty(value: object, name: string): number | undefined {
  const property: unknown = Reflect.get(value, name);
  return typeof property === 'number' ? property : undefined;
}

function stringProperty(value: object, name: string): string | undefined {
  const property: unknown = Reflect.get(value, name);
  return typeof property === 'string' ? property : undefined;
}

function fromHttpException(exception: HttpException): ResolvedProblem {
  const status = exception.getStatus();
  const response = exception.getResponse();
  let detail = exception.message;
  let errors: FieldError[] | undefined;
  if (typeof response === 'string') {
    detail = response;
  } else if (typeof response === 'object' && response !== null) {
    const message: unknown = Reflect.get(response, 'message');
    if (typeof message === 'string') {
      detail = message;
    } else if (Array.isArray(message) && message.every((m) => typeof m === 'string')) {
      errors = message.map((m) => ({ field: 'request', message: m }));
      detail = `The request is not valid: ${message.join('; ')}`;
    }
  }
  const unexpected = status === 500;
  const headers: Record<string, string> = status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
  return {
    status,
    code: codeForStatus(status),
    detail: unexpected ? INTERNAL_ERROR_DETAIL : detail,
    headers,
    errors,
    unexpected,
  };
}

/**
 * Errors Fastify raises itself (body parsing, routing) before any of our code runs, as domain
 * errors; anything else is returned unchanged. Nest would otherwise turn them into bare
 * HttpExceptions and lose their code.
 */
export function fromFastifyError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const code = stringProperty(error, 'code');
  const known = code === undefined ? undefined : FASTIFY_PROBLEMS[code];
  if (known !== undefined) return new DomainError(known.status, known.code, known.detail);
  const statusCode = numericProperty(error, 'statusCode');
  // Fastify's JSON parser passes on JSON.parse's SyntaxError with a 400 status attached.
  if (error instanceof SyntaxError && statusCode === 400) return new Invalid(MALFORMED_JSON_DETAIL);
  if (error.name === 'FastifyError' && statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
    return new DomainError(statusCode, codeForStatus(statusCode), error.message);
  }
  return error;
}

/** Maps anything thrown while handling a request to what the client is told. */
export function resolveProblem(thrown: unknown): ResolvedProblem {
  const error = fromFastifyError(thrown);
  if (error instanceof DomainError) {
    return {
      status: error.status,
      code: error.code,
      detail: error.message,
      headers: { ...error.options.headers },
      errors: error.options.errors,
      details: error.options.details,
      unexpected: false,
    };
  }
  if (error instanceof HttpException) return fromHttpException(error);
  return { status: 500, code: 'internal_error', detail: INTERNAL_ERROR_DETAIL, headers: {}, unexpected: true };
}

export function toProblemDetails(
  problem: ResolvedProblem,
  request: { instance: string; traceId: string },
): ProblemDetails {
  const body: ProblemDetails = {
    type: `${PROBLEM_TYPE_BASE}${problem.code}`,
    title: titleForStatus(problem.status),
    status: problem.status,
    code: problem.code,
    detail: problem.detail,
    instance: request.instance,
    traceId: request.traceId,
  };
  if (problem.errors !== undefined && problem.errors.length > 0) body.errors = problem.errors;
  if (problem.details !== undefined) body.details = problem.details;
  return body;
}
