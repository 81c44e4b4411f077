import { BadRequestException, HttpException, InternalServerErrorException, NotFoundException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { Conflict, Invalid, TooManyRequests, Unauthorized } from './errors.js';
import { INTERNAL_ERROR_DETAIL, resolveProblem, toProblemDetails } from './problem-details.js';

function fastifyError(code: string, statusCode: number, message: string): Error {
  return Object.assign(new Error(message), { name: 'FastifyError', code, statusCode });
}

describe('resolveProblem', () => {
  it('takes everything from a domain error', () => {
    expect(resolveProblem(new Conflict('Deal is closed.', 'deal_closed', { details: { current: 'won' } }))).toEqual({
      status: 409,
      code: 'deal_closed',
      detail: 'Deal is closed.',
      headers: {},
      errors: undefined,
      details: { current: 'won' },
      unexpected: false,
    });
    expect(resolveProblem(new TooManyRequests(2.2)).headers).toEqual({ 'Retry-After': '3' });
    expect(resolveProblem(new Unauthorized()).headers).toEqual({ 'WWW-Authenticate': 'Bearer' });
  });

  it('maps Nest HTTP exceptions by status', () => {
    expect(resolveProblem(new NotFoundException('Cannot GET /x'))).toMatchObject({
      status: 404,
      code: 'not_found',
      detail: 'Cannot GET /x',
    });
    expect(resolveProblem(new HttpException('Method Not Allowed', 405))).toMatchObject({
      status: 405,
      code: 'method_not_allowed',
    });
    expect(resolveProblem(new HttpException('nope', 418))).toMatchObject({ status: 418, code: 'http_418' });
    expect(resolveProblem(new BadRequestException(['name must be a string', 'size must be positive']))).toMatchObject({
      status: 400,
      code: 'validation_error',
      errors: [
        { field: 'request', message: 'name must be a string' },
        { field: 'request', message: 'size must be positive' },
      ],
    });
  });

  it('hides the message of an internal error', () => {
    expect(resolveProblem(new InternalServerErrorException('pool exhausted at 10.0.0.5'))).toMatchObject({
      status: 500,
      code: 'internal_error',
      detail: INTERNAL_ERROR_DETAIL,
      unexpected: true,
    });
    expect(resolveProblem(new TypeError("Cannot read properties of undefined (reading 'id')"))).toMatchObject({
      status: 500,
      detail: INTERNAL_ERROR_DETAIL,
      unexpected: true,
    });
    expect(resolveProblem('a thrown string')).toMatchObject({ status: 500, unexpected: true });
  });

  it("translates Fastify's own request errors", () => {
    expect(resolveProblem(fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400, 'x'))).toMatchObject({
      status: 400,
      code: 'validation_error',
      detail: 'Malformed JSON body',
    });
    expect(
      resolveProblem(Object.assign(new SyntaxError('Unexpected end of JSON input'), { statusCode: 400 })),
    ).toMatchObject({
      status: 400,
      detail: 'Malformed JSON body',
    });
    expect(resolveProblem(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413, 'x'))).toMatchObject({
      status: 413,
      code: 'payload_too_large',
    });
    expect(resolveProblem(fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'x'))).toMatchObject({
      status: 415,
      code: 'unsupported_media_type',
    });
    // A SyntaxError from our own code is a bug, not the client's malformed body.
    expect(resolveProblem(new SyntaxError('Unexpected token'))).toMatchObject({ status: 500, unexpected: true });
  });
});

describe('toProblemDetails', () => {
  it('builds the interfaces.md §0.3 body', () => {
    const problem = resolveProblem(
      new Invalid('Bad.', 'validation_error', { errors: [{ field: 'email', message: 'required' }] }),
    );
    expect(toProblemDetails(problem, { instance: '/api/v1/auth/login', traceId: 'req-9' })).toEqual({
      type: 'https://polis.dev/problems/validation_error',
      title: 'Bad Request',
      status: 400,
      code: 'validation_error',
      detail: 'Bad.',
      instance: '/api/v1/auth/login',
      traceId: 'req-9',
      errors: [{ field: 'email', message: 'required' }],
    });
  });
});
