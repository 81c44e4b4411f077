import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildOpenApi, toOpenApiPath } from './openapi.js';

const deal = z.object({ id: z.uuid(), title: z.string(), amount: z.string() });

describe('buildOpenApi', () => {
  const document = buildOpenApi({
    title: 'crm',
    version: '1.2.3',
    routes: [
      {
        method: 'GET',
        path: '/api/v1/crm/deals',
        summary: 'List deals',
        tags: ['deals'],
        query: z.object({ limit: z.coerce.number().int().default(25), search: z.string().optional() }),
        responses: { 200: { description: 'Deals', schema: z.array(deal) } },
      },
      {
        method: 'PATCH',
        path: '/api/v1/crm/deals/:dealId',
        summary: 'Change a deal',
        auth: 'admin',
        params: z.object({ dealId: z.uuid().describe('The deal') }),
        body: z.object({ title: z.string().min(1) }),
        responses: { 200: { description: 'Changed', schema: deal }, 404: { description: 'No such deal' } },
      },
      {
        method: 'POST',
        path: '/api/v1/auth/token',
        summary: 'Sign in',
        auth: 'public',
        responses: { 200: { description: 'Tokens' } },
      },
    ],
  });

  it('is an OpenAPI 3.1 document with the problem schema and both ways to authenticate', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toEqual({ title: 'crm', version: '1.2.3' });
    expect(document.components.schemas?.ProblemDetails).toMatchObject({ type: 'object' });
    expect(Object.keys(document.components.securitySchemes ?? {})).toEqual(['bearerAuth', 'cookieAuth']);
    expect(document.tags).toEqual([{ name: 'deals' }]);
  });

  it('turns query schemas into parameters, converting the input side (defaults are optional)', () => {
    const list = document.paths['/api/v1/crm/deals']?.get;
    expect(list?.parameters).toEqual([
      {
        name: 'limit',
        in: 'query',
        required: false,
        schema: { type: 'integer', default: 25, minimum: expect.any(Number), maximum: expect.any(Number) },
      },
      { name: 'search', in: 'query', required: false, schema: { type: 'string' } },
    ]);
    expect(list?.responses['200']?.content?.['application/json']?.schema).toMatchObject({ type: 'array' });
    expect(list?.responses['401']).toBeDefined();
    expect(list?.security).toEqual([{ bearerAuth: [] }, { cookieAuth: [] }]);
  });

  it('templates path parameters, documents bodies and error statuses as problem+json', () => {
    const patch = document.paths['/api/v1/crm/deals/{dealId}']?.patch;
    expect(patch?.parameters).toEqual([
      {
        name: 'dealId',
        in: 'path',
        required: true,
        description: 'The deal',
        schema: expect.objectContaining({ type: 'string', format: 'uuid' }),
      },
    ]);
    expect(patch?.requestBody?.content['application/json']?.schema).toMatchObject({
      type: 'object',
      required: ['title'],
    });
    expect(patch?.responses['404']?.content).toEqual({
      'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } },
    });
    expect(Object.keys(patch?.responses ?? {}).sort()).toEqual(['200', '401', '403', '404']);
    expect(patch?.['x-auth']).toBe('admin');
  });

  it('marks public routes as needing no security', () => {
    const login = document.paths['/api/v1/auth/token']?.post;
    expect(login?.security).toEqual([]);
    expect(login?.responses).toEqual({ 200: { description: 'Tokens' } });
  });

  it('refuses a route listed twice and parameters that are not an object', () => {
    const route = { method: 'GET' as const, path: '/a', summary: 'a', responses: {} };
    expect(() => buildOpenApi({ title: 't', version: '1', routes: [route, route] })).toThrow(/listed twice/);
    expect(() => buildOpenApi({ title: 't', version: '1', routes: [{ ...route, query: z.string() }] })).toThrow(
      /z.object/,
    );
  });

  it('rewrites :param segments as {param}', () => {
    expect(toOpenApiPath('/api/v1/users/:id/roles/:role')).toBe('/api/v1/users/{id}/roles/{role}');
  });
});
