import type { z } from 'zod';

export interface FieldError {
  field: string;
  message: string;
}

export interface DomainErrorOptions {
  errors?: FieldError[];
  /** Context for the client, e.g. `{current, next}` of a refused transition. */
  details?: Record<string, unknown>;
  /** Extra response headers, e.g. `Retry-After`. */
  headers?: Record<string, string>;
}

/**
 * A failure the caller can act on. `code` is stable (clients switch on it); `message` is the
 * human-readable `detail`. The one exception filter renders it as application/problem+json.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly options: DomainErrorOptions = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class Invalid extends DomainError {
  constructor(message: string, code = 'validation_error', options?: DomainErrorOptions) {
    super(400, code, message, options);
  }
}

export class Unauthorized extends DomainError {
  constructor(message = 'Authentication is required.', code = 'unauthorized', options?: DomainErrorOptions) {
    super(401, code, message, { ...options, headers: { 'WWW-Authenticate': 'Bearer', ...options?.headers } });
  }
}

export class Forbidden extends DomainError {
  constructor(message = 'You may not do this.', code = 'forbidden', options?: DomainErrorOptions) {
    super(403, code, message, options);
  }
}

export class NotFound extends DomainError {
  constructor(message = 'Not found.', code = 'not_found', options?: DomainErrorOptions) {
    super(404, code, message, options);
  }
}

export class Conflict extends DomainError {
  constructor(message: string, code = 'conflict', options?: DomainErrorOptions) {
    super(409, code, message, options);
  }
}

export class Gone extends DomainError {
  constructor(message: string, code = 'gone', options?: DomainErrorOptions) {
    super(410, code, message, options);
  }
}

export class TooManyRequests extends DomainError {
  constructor(retryAfterSeconds: number, message = 'Too many requests; try again later.') {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(429, 'rate_limited', message, {
      headers: { 'Retry-After': String(seconds) },
      details: { retryAfter: seconds },
    });
  }
}

export class Unavailable extends DomainError {
  constructor(message: string, code = 'upstream_unavailable', options?: DomainErrorOptions) {
    super(503, code, message, options);
  }
}

/** Parses input with a contract schema; any issue becomes a 400 `validation_error` listing each field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what = 'request'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : what,
    message: issue.message,
  }));
  throw new Invalid(
    `The ${what} is not valid: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
    'validation_error',
    {
      errors,
    },
  );
}
