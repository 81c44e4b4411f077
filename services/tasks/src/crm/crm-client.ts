import { CallerHttp, discard, Forbidden, Invalid, Unavailable } from '@polis/platform';

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
  private readonly http: CallerHttp;

  constructor(baseUrl: string, timeoutMs: number) {
    this.http = new CallerHttp('CRM', baseUrl, timeoutMs);
  }

  async deal(token: string, dealId: string): Promise<CrmDealRef | null> {
    const body = await this.http.find(token, `/api/v1/crm/deals/${dealId}`);
    if (body === null) return null;
    return {
      id: String(body.id),
      clientId: String(body.clientId),
      ownerId: typeof body.ownerId === 'string' ? body.ownerId : null,
      title: String(body.title ?? ''),
    };
  }

  async policy(token: string, policyId: string): Promise<CrmPolicyRef | null> {
    const body = await this.http.find(token, `/api/v1/crm/policies/${policyId}`);
    if (body === null) return null;
    return {
      id: String(body.id),
      dealId: typeof body.dealId === 'string' ? body.dealId : null,
      clientId: String(body.clientId),
    };
  }

  async payment(token: string, dealId: string, policyId: string, paymentId: string): Promise<CrmPaymentRef | null> {
    const body = await this.http.find(token, `/api/v1/crm/deals/${dealId}/policies/${policyId}/payments/${paymentId}`);
    if (body === null) return null;
    return { id: String(body.id), dealId: String(body.dealId), policyId: String(body.policyId) };
  }

  async participants(token: string, dealId: string): Promise<string[] | null> {
    const response = await this.http.send(token, 'GET', `/api/v1/crm/deals/${dealId}/participants`);
    if (response.status !== 200) {
      await discard(response);
      if (response.status === 404 || response.status === 400) return null;
      throw this.http.refused(response.status);
    }
    const body: unknown = await response.json();
    return Array.isArray(body)
      ? body.flatMap((entry) => (typeof entry?.userId === 'string' ? [entry.userId as string] : []))
      : [];
  }

  async addParticipant(token: string, dealId: string, userId: string): Promise<void> {
    const response = await this.http.send(token, 'POST', `/api/v1/crm/deals/${dealId}/participants`, { userId });
    await discard(response);
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
}
