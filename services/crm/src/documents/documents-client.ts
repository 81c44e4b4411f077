import { CallerHttp, discard, Unavailable } from '@polis/platform';

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
  private readonly http: CallerHttp;

  /** `baseUrl` may be a function when the address is known only later (Documents started after CRM). */
  constructor(baseUrl: string | (() => string), timeoutMs: number) {
    this.http = new CallerHttp('Documents', baseUrl, timeoutMs);
  }

  async isVisible(token: string, documentId: string): Promise<boolean> {
    const response = await this.http.send(token, 'GET', `/api/v1/documents/${encodeURIComponent(documentId)}`);
    if (response.status === 404 || response.status === 400) {
      await discard(response);
      return false;
    }
    if (response.status === 409) {
      // interfaces.md §1.4 allows 409 `already_deleted` for a deleted document: gone, as for a 404.
      const problem = (await response.json().catch(() => null)) as { code?: unknown } | null;
      if (problem?.code === 'already_deleted') return false;
      throw this.http.refused(409);
    }
    if (response.status !== 200) {
      await discard(response);
      throw this.http.refused(response.status);
    }
    // A 200 that is not this document (a misrouted base URL answering every path) proves nothing.
    const body = (await response.json().catch(() => null)) as { id?: unknown } | null;
    if (typeof body?.id !== 'string' || body.id.toLowerCase() !== documentId.toLowerCase()) {
      throw new Unavailable('Documents gave an unexpected answer; try again shortly.', 'upstream_unavailable');
    }
    return true;
  }
}
