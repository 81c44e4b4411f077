import { Forbidden, Invalid, outgoingContextHeaders, Unavailable } from '@polis/platform';

export interface CrmDealRef {
  id: string;
  clientId: string;
  ownerId: string | null;
  title: string;
}
export interface CrmPolicyRef {
  id: string;
  dealId: string | null;
  clientId: string;
}
export interface CrmPaymentRef {
  id: string;
  dealId: string;
  policyId: string;
}

/**
 * CRM's public API, called with the caller's own token so CRM applies that person's visibility:
 * "not found" also means "not visible to you" (interfaces.md §2.2, Tasks → CRM).
 */
export interface CrmClient {
  deal(token: string, dealId: string): Promise<CrmDealRef | null>;
  policy(token: string, policyId: string): Promise<CrmPolicyRef | null>;
  payment(token: string, dealId: string, policyId: string, paymentId: string): Promise<CrmPaymentRef | null>;
  /** The deal team's user ids (null when the deal is not visible). */
  participants(token: string, dealId: string): Promise<string[] | null>;
  /** Puts the user on the deal team (deal lead or admin); being there already is fine. */
  addParticipant(token: string, dealId: string, userId: string): Promise<void>;
}

export class HttpCrmClient implements CrmClient {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}

  async deal(token: string, dealId: string): Promise<CrmDealRef | null> {
    const body = await this.get(token, `/api/v1/crm/deals/${dealId}`);
    if (body === null) return null;
    return {
      id: String(body.id),
      clientId: String(body.clientId),
      ownerId: typeof body.ownerId === 'string' ? body.ownerId : null,
      title: String(body.title ?? ''),
    };
  }

  async policy(token: string, policyId: string): Promise<CrmPolicyRef | null> {
    const body = await this.get(token, `/api/v1/crm/policies/${policyId}`);
    if (body === null) return null;
    return {
      id: String(body.id),
      dealId: typeof body.dealId === 'string' ? body.dealId : null,
      clientId: String(body.clientId),
    };
  }

  async payment(token: string, dealId: string, policyId: string, paymentId: string): Promise<CrmPaymentRef | null> {
    const body = await this.get(token, `/api/v1/crm/deals/${dealId}/policies/${policyId}/payments/${paymentId}`);
    if (body === null) return null;
    return { id: String(body.id), dealId: String(body.dealId), policyId: String(body.policyId) };
  }

  async participants(token: string, dealId: string): Promise<string[] | null> {
    const response = await this.send(token, 'GET', `/api/v1/crm/deals/${dealId}/participants`);
    if (response.status !== 200) {
      await response.arrayBuffer().catch(() => undefined);
      if (response.status === 404 || response.status === 400) return null;
      throw new Unavailable(`CRM answered ${response.status}; try again shortly.`, 'upstream_unavailable');
    }
    const body: unknown = await response.json();
    return Array.isArray(body)
      ? body.flatMap((entry) => (typeof entry?.userId === 'string' ? [entry.userId as string] : []))
      : [];
  }

  async addParticipant(token: string, dealId: string, userId: string): Promise<void> {
    const response = await this.send(token, 'POST', `/api/v1/crm/deals/${dealId}/participants`, { userId });
    await response.arrayBuffer().catch(() => undefined);
    if (response.status === 201 || response.status === 200 || response.status === 409) return;
    if (response.status === 403) {
      throw new Forbidden('Only the deal lead or an administrator adds people to the deal team.', 'forbidden');
    }
    if (response.status === 404) {
      throw new Invalid('The deal does not exist or is not visible to you.', 'task_deal_not_found', {
        errors: [{ field: 'context.dealId', message: 'is not a visible deal' }],
      });
    }
    throw new Unavailable(
      `CRM refused to add the assignee to the deal team (${response.status}).`,
      'upstream_unavailable',
    );
  }

  private async get(token: string, path: string): Promise<Record<string, unknown> | null> {
    const response = await this.send(token, 'GET', path);
    if (response.status === 404 || response.status === 400) {
      await response.arrayBuffer().catch(() => undefined);
      return null;
    }
    if (response.status !== 200) {
      await response.arrayBuffer().catch(() => undefined);
      throw new Unavailable(`CRM answered ${response.status}; try again shortly.`, 'upstream_unavailable');
    }
    return (await response.json()) as Record<string, unknown>;
  }

  private async send(token: string, method: string, path: string, body?: unknown): Promise<Response> {
    try {
      return await fetch(`${this.baseUrl}${path}`, {
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
      throw new Unavailable('CRM is unreachable; try again shortly.', 'upstream_unavailable');
    }
  }
}
