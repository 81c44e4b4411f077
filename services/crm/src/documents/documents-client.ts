import { outgoingContextHeaders, Unavailable } from '@polis/platform';

/**
 * The Documents service's public API, called with the caller's own token so Documents applies that
 * person's visibility: "not found" also means "not visible to you" (interfaces.md §2.2, CRM → Documents).
 */
export interface DocumentsClient {
  /**
   * True when Documents shows the document to the token's holder; false when it is unknown, deleted
   * or owned by a client, deal or policy they may not see. Throws 503 `upstream_unavailable` when
   * Documents cannot answer.
   */
  isVisible(token: string, documentId: string): Promise<boolean>;
}

export class HttpDocumentsClient implements DocumentsClient {
  private readonly baseUrl: () => string;

  /** `baseUrl` may be a function when the address is known only later (Documents started after CRM). */
  constructor(
    baseUrl: string | (() => string),
    private readonly timeoutMs: number,
  ) {
    this.baseUrl = typeof baseUrl === 'string' ? () => baseUrl : baseUrl;
  }

  async isVisible(token: string, documentId: string): Promise<boolean> {
    let response: Response;
    try {
      response = await fetch(
        `${this.baseUrl().replace(/\/+$/, '')}/api/v1/documents/${encodeURIComponent(documentId)}`,
        {
          method: 'GET',
          headers: { ...outgoingContextHeaders(), authorization: `Bearer ${token}`, accept: 'application/json' },
          signal: AbortSignal.timeout(this.timeoutMs),
        },
      );
    } catch {
      throw new Unavailable('Documents is unreachable; try again shortly.', 'upstream_unavailable');
    }
    if (response.status === 404 || response.status === 400) {
      await response.arrayBuffer().catch(() => undefined);
      return false;
    }
    if (response.status === 409) {
      // interfaces.md §1.4 allows 409 `already_deleted` for a deleted document: gone, as for a 404.
      const problem = (await response.json().catch(() => null)) as { code?: unknown } | null;
      if (problem?.code === 'already_deleted') return false;
      throw new Unavailable('Documents answered 409; try again shortly.', 'upstream_unavailable');
    }
    if (response.status !== 200) {
      await response.arrayBuffer().catch(() => undefined);
      throw new Unavailable(`Documents answered ${response.status}; try again shortly.`, 'upstream_unavailable');
    }
    // A 200 that is not this document (a misrouted base URL answering every path) proves nothing.
    const body = (await response.json().catch(() => null)) as { id?: unknown } | null;
    if (typeof body?.id !== 'string' || body.id.toLowerCase() !== documentId.toLowerCase()) {
      throw new Unavailable('Documents gave an unexpected answer; try again shortly.', 'upstream_unavailable');
    }
    return true;
  }
}
