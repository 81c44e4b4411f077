import { problemSchema } from '@polis/contracts';

export interface ApiFieldError {
  field: string;
  message: string;
}

export interface ValidationIssue {
  path: readonly PropertyKey[];
  code: string;
  message: string;
  minimum?: unknown;
  maximum?: unknown;
  format?: string;
}

export interface ApiErrorInit {
  status: number;
  code: string;
  detail?: string;
  errors?: ApiFieldError[];
  retryAfterSeconds?: number;
  details?: Record<string, unknown>;
  /** The zod issues when the client refused to send an invalid body. */
  issues?: ValidationIssue[];
}

/** Codes a 401 carries when a fresh access token (from the refresh cookie) may fix it. */
const REFRESHABLE_CODES = new Set(['token_expired', 'invalid_token', 'unauthorized']);

const FALLBACK_CODES: Record<number, string> = {
  400: 'validation_error',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  410: 'gone',
  413: 'payload_too_large',
  429: 'rate_limited',
  503: 'upstream_unavailable',
  504: 'upstream_timeout',
};

/**
 * An API failure in the shape of the platform's problem+json. `status` 0 means the request never
 * got an answer (network down, CORS refused).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly errors: ApiFieldError[];
  readonly retryAfterSeconds: number | undefined;
  readonly details: Record<string, unknown>;
  readonly issues: ValidationIssue[];

  constructor(init: ApiErrorInit) {
    super(init.detail || init.code);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail ?? '';
    this.errors = init.errors ?? [];
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.details = init.details ?? {};
    this.issues = init.issues ?? [];
  }

  /** A 401 that a session refresh may cure. */
  get isRefreshable(): boolean {
    return this.status === 401 && REFRESHABLE_CODES.has(this.code);
  }

  /** The message for one field, if the server or the client validation named it. */
  fieldError(field: string): string | undefined {
    return this.errors.find((error) => error.field === field || error.field.endsWith(`.${field}`))?.message;
  }

  static async fromResponse(response: Response): Promise<ApiError> {
    const status = response.status;
    const fallbackCode = FALLBACK_CODES[status] ?? (status >= 500 ? 'internal_error' : 'http_error');
    const headerRetry = parseRetryAfter(response.headers.get('retry-after'));
    const body = await readJson(response);
    const problem = problemSchema.safeParse(body);
    if (problem.success) {
      const details = problem.data.details ?? {};
      const detailRetry = typeof details.retryAfter === 'number' ? details.retryAfter : undefined;
      return new ApiError({
        status,
        code: problem.data.code,
        detail: problem.data.detail ?? problem.data.title,
        errors: problem.data.errors ?? [],
        retryAfterSeconds: detailRetry ?? headerRetry,
        details,
      });
    }
    // Bodies that are not problem+json: the origin Gateway's `{message: "upstream_unavailable"}`, proxies' HTML.
    const message = isRecord(body) && typeof body.message === 'string' ? body.message : undefined;
    const code = message && /^[a-z][a-z0-9_]*$/.test(message) ? message : fallbackCode;
    return new ApiError({ status, code, detail: message ?? response.statusText, retryAfterSeconds: headerRetry });
  }

  static network(cause: unknown): ApiError {
    const error = new ApiError({
      status: 0,
      code: 'network_error',
      detail: cause instanceof Error ? cause.message : String(cause),
    });
    error.cause = cause;
    return error;
  }

  /** The request body failed the contract's schema; nothing was sent. */
  static validation(issues: readonly ValidationIssue[]): ApiError {
    return new ApiError({
      status: 400,
      code: 'validation_error',
      detail: 'The request is invalid.',
      errors: issues.map((issue) => ({ field: issue.path.map(String).join('.'), message: issue.message })),
      issues: [...issues],
    });
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

async function readJson(response: Response): Promise<unknown> {
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return undefined;
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
