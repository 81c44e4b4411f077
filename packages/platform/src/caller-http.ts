import { Unavailable } from './errors.js';
import { outgoingContextHeaders } from './request-context.js';

/**
 * Calls another service's public API with the caller's own token, so that service applies that
 * person's visibility (interfaces.md §2.2): the request id and trace context go along, a timeout
 * bounds the wait, and an unreachable service is a 503 `upstream_unavailable`.
 */
export class CallerHttp {
  private readonly baseUrl: () => string;

  /** `baseUrl` may be a function when the address is known only later (a service started after this one). */
  constructor(
    /** The other service's name, as errors tell it. */
    readonly service: string,
    baseUrl: string | (() => string),
    private readonly timeoutMs: number,
  ) {
    this.baseUrl = typeof baseUrl === 'string' ? () => baseUrl : baseUrl;
  }

  async send(token: string, method: string, path: string, body?: unknown): Promise<Response> {
    try {
      return await fetch(`${this.baseUrl().replace(/\/+$/, '')}${path}`, {
        method,
        headers: {
          ...outgoingContextHeaders(),
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch {
      throw new Unavailable(`${this.service} is unreachable; try again shortly.`);
    }
  }

  /**
   * GET of one record: its JSON on 200; null when the service says it does not exist or is not the
   * caller's to see (`hidden` statuses, default 400 and 404); any other answer is a 503.
   */
  async find(
    token: string,
    path: string,
    hidden: readonly number[] = [400, 404],
  ): Promise<Record<string, unknown> | null> {
    const response = await this.send(token, 'GET', path);
    if (response.status === 200) return (await response.json()) as Record<string, unknown>;
    await discard(response);
    if (hidden.includes(response.status)) return null;
    throw this.refused(response.status);
  }

  /** The 503 for an answer this caller cannot use. */
  refused(status: number): Unavailable {
    return new Unavailable(`${this.service} answered ${status}; try again shortly.`);
  }
}

/** Reads and drops a body that is not needed, so the connection can be reused. */
export async function discard(response: Response): Promise<void> {
  await response.arrayBuffer().catch(() => undefined);
}
