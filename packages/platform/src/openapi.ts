import { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

/** Who may call a route: nobody in particular, any signed-in user, an admin, or another service. */
export type RouteAuth = 'public' | 'user' | 'admin' | 'service';

export interface RouteResponseSpec {
  description: string;
  /** The body; error statuses without one are documented as problem+json. */
  schema?: z.ZodType;
}

/** One HTTP route as the OpenAPI document describes it; schemas are the zod contracts the route parses with. */
export interface RouteSpec {
  method: HttpMethod;
  /** `/api/v1/crm/deals/:dealId` or `/api/v1/crm/deals/{dealId}`. */
  path: string;
  summary: string;
  description?: string;
  operationId?: string;
  tags?: string[];
  /** Default 'user'. */
  auth?: RouteAuth;
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  responses: Record<number, RouteResponseSpec>;
}

export type JsonSchema = Record<string, unknown>;

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OpenApiOperation {
  summary: string;
  description?: string;
  operationId?: string;
  tags?: string[];
  parameters?: OpenApiParameter[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
  security?: Array<Record<string, string[]>>;
  'x-auth'?: RouteAuth;
  [extension: `x-${string}`]: unknown;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  tags?: Array<{ name: string; description?: string }>;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    schemas?: Record<string, JsonSchema>;
    securitySchemes?: Record<string, JsonSchema>;
    [section: string]: Record<string, JsonSchema> | undefined;
  };
}

export interface BuildOpenApiOptions {
  title: string;
  version: string;
  description?: string;
  routes: RouteSpec[];
}

export const OPENAPI_VERSION = '3.1.0';
export const PROBLEM_SCHEMA_NAME = 'ProblemDetails';

/** interfaces.md §0.3, as JSON Schema: the body of every error response. */
const PROBLEM_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'code', 'detail'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string', description: 'Stable machine-readable error code' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    traceId: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
    details: { type: 'object', additionalProperties: true },
  },
};

const SECURITY_SCHEMES: Record<string, JsonSchema> = {
  bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
  cookieAuth: { type: 'apiKey', in: 'cookie', name: 'crm_access_token' },
};

const IMPLIED_ERRORS: Record<RouteAuth, Record<number, string>> = {
  public: {},
  user: { 401: 'No valid access token' },
  admin: { 401: 'No valid access token', 403: 'The caller is not an administrator' },
  service: { 401: 'No valid access token', 403: 'The caller is not a service' },
};

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** Turns an object schema into one OpenAPI parameter per property. */
function parametersOf(schema: z.ZodType, location: 'path' | 'query'): OpenApiParameter[] {
  const json = toJsonSchema(schema, 'input');
  const properties = json.properties;
  if (json.type !== 'object' || typeof properties !== 'object' || properties === null) {
    throw new TypeError(`OpenAPI: ${location} parameters must be described by a z.object schema`);
  }
  const required = new Set(Array.isArray(json.required) ? json.required.map(String) : []);
  return Object.entries(properties as Record<string, JsonSchema>).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    const parameter: OpenApiParameter = {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      schema: propertySchema,
    };
    if (typeof description === 'string') parameter.description = description;
    return parameter;
  });
}

/** `:id` segments become `{id}`, as OpenAPI writes path templates. */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

function buildOperation(route: RouteSpec, path: string): OpenApiOperation {
  const auth = route.auth ?? 'user';
  const operation: OpenApiOperation = { summary: route.summary, responses: {} };
  if (route.description) operation.description = route.description;
  if (route.operationId) operation.operationId = route.operationId;
  if (route.tags && route.tags.length > 0) operation.tags = route.tags;

  const parameters = [
    ...(route.params ? parametersOf(route.params, 'path') : []),
    ...(route.query ? parametersOf(route.query, 'query') : []),
  ];
  for (const match of path.matchAll(/\{([^}]+)\}/g)) {
    const name = match[1] ?? '';
    if (!parameters.some((p) => p.in === 'path' && p.name === name)) {
      parameters.push({ name, in: 'path', required: true, schema: { type: 'string' } });
    }
  }
  if (parameters.length > 0) operation.parameters = parameters;

  if (route.body) {
    operation.requestBody = {
      required: true,
      content: { 'application/json': { schema: toJsonSchema(route.body, 'input') } },
    };
  }

  const responses: Record<number, RouteResponseSpec> = {};
  for (const [status, description] of Object.entries(IMPLIED_ERRORS[auth])) {
    responses[Number(status)] = { description };
  }
  Object.assign(responses, route.responses);
  for (const [statusText, response] of Object.entries(responses)) {
    const status = Number(statusText);
    if (response.schema) {
      operation.responses[statusText] = {
        description: response.description,
        content: { 'application/json': { schema: toJsonSchema(response.schema, 'output') } },
      };
    } else if (status >= 400) {
      operation.responses[statusText] = {
        description: response.description,
        content: { 'application/problem+json': { schema: { $ref: `#/components/schemas/${PROBLEM_SCHEMA_NAME}` } } },
      };
    } else {
      operation.responses[statusText] = { description: response.description };
    }
  }

  operation.security = auth === 'public' ? [] : [{ bearerAuth: [] }, { cookieAuth: [] }];
  operation['x-auth'] = auth;
  return operation;
}

/**
 * One OpenAPI 3.1 document from a service's route list. Request schemas are converted as the input
 * they accept (defaults optional, coercions loose), responses as the output they produce.
 */
export function buildOpenApi(options: BuildOpenApiOptions): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  const tags = new Set<string>();
  for (const route of options.routes) {
    const path = toOpenApiPath(route.path);
    const method = route.method.toLowerCase();
    const item = paths[path] ?? {};
    paths[path] = item;
    if (item[method] !== undefined) throw new Error(`OpenAPI: ${route.method} ${path} is listed twice`);
    item[method] = buildOperation(route, path);
    for (const tag of route.tags ?? []) tags.add(tag);
  }
  const info: OpenApiDocument['info'] = { title: options.title, version: options.version };
  if (options.description) info.description = options.description;
  const document: OpenApiDocument = {
    openapi: OPENAPI_VERSION,
    info,
    paths,
    components: { schemas: { [PROBLEM_SCHEMA_NAME]: PROBLEM_SCHEMA }, securitySchemes: { ...SECURITY_SCHEMES } },
  };
  if (tags.size > 0) document.tags = [...tags].sort().map((name) => ({ name }));
  return document;
}
