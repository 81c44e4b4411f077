import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type {
  ParsedCreatePolicyRequest,
  ParsedIssuePolicyRequest,
  ParsedPoliciesQuery,
  PoliciesPage,
  Policy,
  PolicyDocument,
  UpdatePolicyRequest,
} from '@polis/contracts';
import { isUniqueViolation, type Tx } from '@polis/db';
import { Conflict, Invalid, NotFound } from '@polis/platform';
import { CalculationRepository } from '../calculations/calculation.repository.js';
import { CALCULATION_STATUS_EVENT, calculationEventData } from '../calculations/calculation.view.js';
import { ClientRepository } from '../clients/client.repository.js';
import type { Caller } from '../common/caller.js';
import { diff } from '../common/changes.js';
import { CrmDb } from '../common/crm-db.js';
import {
  assertVersion,
  calculationNotFound,
  clientNotFound,
  dealNotFound,
  documentNotFound,
  forbidden,
  policyNotFound,
} from '../common/errors.js';
import { DOCUMENTS_CLIENT } from '../crm.tokens.js';
import { DealRepository } from '../deals/deal.repository.js';
import { canManageDeal } from '../deals/deal-rules.js';
import type { DocumentsClient } from '../documents/documents-client.js';
import { type CrmEvent, CrmEvents } from '../events/crm.events.js';
import { PaymentRepository } from '../payments/payment.repository.js';
import {
  type NewPolicy,
  POLICY_CALCULATION_CONSTRAINT,
  POLICY_NUMBER_CONSTRAINT,
  type PolicyPatch,
  type PolicyRecord,
  PolicyRepository,
} from './policy.repository.js';
import { toPolicy, toPolicyDocument } from './policy.view.js';
import { mayMovePolicy, refusePolicyTransition } from './policy-rules.js';

const numberTaken = () => new Conflict('A policy with this number already exists.', 'policy_number_exists');

/** An active policy needs its period: the insurer has confirmed it (domain.md §3.3). */
function assertDatesForActive(status: string, from: string | null, to: string | null): void {
  if (status === 'active' && (from === null || to === null)) {
    throw new Invalid('An active policy needs effectiveFrom and effectiveTo.', 'policy_dates_required');
  }
}

/**
 * Policies: whoever works on the deal registers them; the lifecycle draft → active ⇄
 * pending_renewal → closed follows domain.md §3.3.
 */
@Injectable()
export class PolicyService {
  constructor(
    private readonly db: CrmDb,
    private readonly policies: PolicyRepository,
    private readonly deals: DealRepository,
    private readonly clients: ClientRepository,
    private readonly calculations: CalculationRepository,
    private readonly payments: PaymentRepository,
    private readonly events: CrmEvents,
    @Inject(DOCUMENTS_CLIENT) private readonly documentsApi: DocumentsClient,
  ) {}

  async list(caller: Caller, query: ParsedPoliciesQuery): Promise<PoliciesPage> {
    const { rows, nextCursor } = await this.db.read(caller, (tx) => this.policies.list(tx, caller, query));
    return { items: rows.map(toPolicy), nextCursor };
  }

  async get(caller: Caller, id: string): Promise<Policy> {
    const row = await this.db.read(caller, (tx) => this.policies.findVisible(tx, caller, id));
    if (!row) throw policyNotFound();
    return toPolicy(row);
  }

  async create(caller: Caller, input: ParsedCreatePolicyRequest): Promise<Policy> {
    assertDatesForActive(input.status, input.effectiveFrom ?? null, input.effectiveTo ?? null);
    return this.db.write(caller, async (tx) => {
      const dealId = input.dealId ?? null;
      if (dealId !== null) {
        const deal = await this.deals.findVisible(tx, caller, dealId);
        if (!deal) throw dealNotFound();
        if (deal.clientId !== input.clientId) {
          throw new Invalid("A deal's policy belongs to the deal's client.", 'client_mismatch', {
            errors: [{ field: 'clientId', message: "must be the deal's client" }],
          });
        }
      } else if (!(await this.clients.findVisible(tx, caller, input.clientId))) {
        throw clientNotFound();
      }
      const row = await this.insert(tx, {
        id: randomUUID(),
        clientId: input.clientId,
        dealId,
        calculationId: null,
        ownerId: input.ownerId,
        policyNumber: input.policyNumber,
        status: input.status,
        closedReason: null,
        premium: input.premium ?? null,
        commissionRate: input.commissionRate ?? null,
        effectiveFrom: input.effectiveFrom ?? null,
        effectiveTo: input.effectiveTo ?? null,
      });
      await this.events.emit(tx, [this.createdEvent(row, caller)]);
      return toPolicy(row);
    });
  }

  /**
   * Issues the policy of a chosen quote: the quote must be ready (it is confirmed now, by the lead
   * or an admin) or already confirmed, and not linked to a policy yet.
   */
  async issueFromCalculation(
    caller: Caller,
    dealId: string,
    calculationId: string,
    input: ParsedIssuePolicyRequest,
  ): Promise<Policy> {
    const ownerId = input.ownerId ?? caller.userId;
    if (ownerId === null) {
      throw new Invalid('A service must name the servicing user.', 'validation_error', {
        errors: [{ field: 'ownerId', message: 'is required for service callers' }],
      });
    }
    return this.db.write(caller, async (tx) => {
      const deal = await this.deals.findVisible(tx, caller, dealId);
      if (!deal) throw dealNotFound();
      const calculation = await this.calculations.findVisible(tx, caller, dealId, calculationId, true);
      if (!calculation) throw calculationNotFound();
      if (calculation.status !== 'ready' && calculation.status !== 'confirmed') {
        throw new Conflict('A policy is issued from a ready or confirmed calculation.', 'invalid_status_transition', {
          details: { current: calculation.status, next: 'confirmed' },
        });
      }
      const confirming = calculation.status === 'ready';
      if (confirming && !canManageDeal(caller, deal)) {
        throw forbidden('Only the deal lead or an administrator confirms a calculation.');
      }
      if (calculation.linkedPolicyId !== null) {
        throw new Conflict('A policy was already issued from this calculation.', 'calculation_already_linked');
      }
      const effectiveFrom = input.effectiveFrom ?? calculation.validityPeriod?.start ?? null;
      const effectiveTo = input.effectiveTo ?? calculation.validityPeriod?.end ?? null;
      if (effectiveFrom !== null && effectiveTo !== null && effectiveTo < effectiveFrom) {
        throw new Invalid('effectiveTo must not be before effectiveFrom.', 'validation_error', {
          errors: [{ field: 'effectiveTo', message: 'must not be before effectiveFrom' }],
        });
      }
      assertDatesForActive(input.status, effectiveFrom, effectiveTo);
      const policy = await this.insert(tx, {
        id: randomUUID(),
        clientId: deal.clientId,
        dealId,
        calculationId,
        ownerId,
        policyNumber: input.policyNumber,
        status: input.status,
        closedReason: null,
        premium: input.premium ?? calculation.premiumAmount,
        commissionRate: input.commissionRate ?? null,
        effectiveFrom,
        effectiveTo,
      });
      const events: CrmEvent[] = [this.createdEvent(policy, caller)];
      if (confirming) {
        const confirmed = await this.calculations.update(tx, calculationId, { status: 'confirmed' });
        events.push({
          key: CALCULATION_STATUS_EVENT.confirmed,
          subject: calculationId,
          data: calculationEventData(confirmed, caller.actorId),
        });
      }
      await this.events.emit(tx, events);
      return toPolicy(policy);
    });
  }

  async update(caller: Caller, id: string, input: UpdatePolicyRequest, expected: number | undefined): Promise<Policy> {
    return this.db.write(caller, async (tx) => {
      const current = await this.policies.findVisible(tx, caller, id, true);
      if (!current) throw policyNotFound();
      assertVersion(current.version, expected);
      const { version: _version, ...fields } = input;
      const { changed, changes, previous } = diff<PolicyPatch>(current, fields);
      if (Object.keys(changes).length === 0) return toPolicy(current);
      const isLead = await this.isLead(tx, caller, current);
      const who = { isAdmin: caller.isAdmin, isLead, isServicing: caller.userId === current.ownerId };

      if (changed.isDeleted) {
        if (!who.isAdmin && !who.isLead) throw forbidden('Only the lead or an administrator deletes a policy.');
        // Its payments would be left without a policy to reach them through.
        if (await this.payments.hasLive(tx, id)) {
          throw new Conflict('Delete the payments of the policy first.', 'policy_has_payments');
        }
        // A deleted policy frees its quote (the partial unique index allows one live link).
        if (current.calculationId !== null) {
          changed.calculationId = null;
          changes.calculationId = null;
          previous.calculationId = current.calculationId;
        }
      } else if (current.status === 'closed') {
        throw new Conflict('A closed policy does not change; renewal is a new policy.', 'policy_closed', {
          details: { current: current.status, next: changed.status ?? current.status },
        });
      }
      const status = changed.status ?? current.status;
      if (changed.status !== undefined) this.assertMove(current, changed.status, who);
      if (changed.closedReason !== undefined && status !== 'closed') {
        throw new Invalid('closedReason is only given when closing a policy.', 'validation_error', {
          errors: [{ field: 'closedReason', message: 'only allowed with status closed' }],
        });
      }
      if (changed.status === 'closed' && (changed.closedReason ?? current.closedReason) === null) {
        throw new Invalid('Closing a policy needs a closedReason.', 'closed_reason_required');
      }
      const from = changed.effectiveFrom !== undefined ? changed.effectiveFrom : current.effectiveFrom;
      const to = changed.effectiveTo !== undefined ? changed.effectiveTo : current.effectiveTo;
      if (from !== null && to !== null && to < from) {
        throw new Invalid('effectiveTo must not be before effectiveFrom.', 'validation_error', {
          errors: [{ field: 'effectiveTo', message: 'must not be before effectiveFrom' }],
        });
      }
      if (status === 'active' || status === 'pending_renewal') assertDatesForActive('active', from, to);
      if (current.status === 'pending_renewal' && changed.status === 'active') {
        // Renewing the same contract extends it without a gap: its end moves later.
        if (
          changed.effectiveTo === undefined ||
          to === null ||
          (current.effectiveTo !== null && to <= current.effectiveTo)
        ) {
          throw new Invalid('Reactivating a policy extends it: give a later effectiveTo.', 'policy_extension_required');
        }
      }

      const row = await this.policies.update(tx, id, changed);
      await this.events.emit(tx, [
        {
          key: 'policy.updated',
          subject: id,
          data: {
            policyId: id,
            dealId: row.dealId,
            clientId: row.clientId,
            changes,
            previous,
            updatedAt: row.updatedAt.toISOString(),
            actorId: caller.actorId,
          },
        },
      ]);
      return toPolicy(row);
    });
  }

  async documents(caller: Caller, policyId: string): Promise<PolicyDocument[]> {
    return this.db.read(caller, async (tx) => {
      if (!(await this.policies.findVisible(tx, caller, policyId))) throw policyNotFound();
      return (await this.policies.documents(tx, policyId)).map(toPolicyDocument);
    });
  }

  /**
   * Links a Documents file the caller may see (domain.md §2.7). Documents is asked with the caller's
   * own token between two transactions, so no transaction waits on the network (Documents asks CRM
   * about the document's owner in turn); the write re-checks the policy.
   */
  async linkDocument(caller: Caller, policyId: string, documentId: string): Promise<PolicyDocument> {
    if (!(await this.db.read(caller, (tx) => this.policies.findVisible(tx, caller, policyId)))) {
      throw policyNotFound();
    }
    if (!(await this.documentsApi.isVisible(caller.token, documentId))) throw documentNotFound();
    return this.db.write(caller, async (tx) => {
      if (!(await this.policies.findVisible(tx, caller, policyId, true))) throw policyNotFound();
      const row = await this.policies.linkDocument(tx, { id: randomUUID(), policyId, documentId });
      if (!row) throw new Conflict('The document is already linked to this policy.', 'document_already_linked');
      return toPolicyDocument(row);
    });
  }

  /** Removes the link only: the file stays in Documents. */
  async unlinkDocument(caller: Caller, policyId: string, documentId: string): Promise<void> {
    await this.db.write(caller, async (tx) => {
      if (!(await this.policies.findVisible(tx, caller, policyId, true))) throw policyNotFound();
      if (!(await this.policies.unlinkDocument(tx, policyId, documentId))) {
        throw new NotFound('The document is not linked to this policy.', 'document_not_linked');
      }
    });
  }

  private assertMove(
    current: PolicyRecord,
    next: PolicyRecord['status'],
    who: { isAdmin: boolean; isLead: boolean; isServicing: boolean },
  ): void {
    const details = { current: current.status, next };
    const refusal = refusePolicyTransition(current.status, next);
    if (refusal === 'policy_closed') {
      throw new Conflict('A closed policy does not change; renewal is a new policy.', 'policy_closed', { details });
    }
    if (refusal) {
      throw new Conflict(`A policy cannot move from ${current.status} to ${next}.`, 'invalid_status_transition', {
        details,
      });
    }
    if (!mayMovePolicy(current.status, next, who)) {
      throw forbidden('Only the lead or an administrator makes this change to the policy.');
    }
  }

  /** The lead of a policy: its deal's owner, or its client's owner when it has no deal. */
  private async isLead(tx: Tx, caller: Caller, policy: PolicyRecord): Promise<boolean> {
    if (caller.userId === null) return false;
    if (policy.dealId !== null) {
      const deal = await this.deals.findVisible(tx, caller, policy.dealId);
      return deal?.ownerId === caller.userId;
    }
    const client = await this.clients.findVisible(tx, caller, policy.clientId);
    return client?.ownerId === caller.userId;
  }

  private async insert(tx: Tx, policy: NewPolicy): Promise<PolicyRecord> {
    try {
      return await this.policies.insert(tx, policy);
    } catch (error) {
      if (isUniqueViolation(error, POLICY_NUMBER_CONSTRAINT)) throw numberTaken();
      if (isUniqueViolation(error, POLICY_CALCULATION_CONSTRAINT)) {
        throw new Conflict('A policy was already issued from this calculation.', 'calculation_already_linked');
      }
      throw error;
    }
  }

  private createdEvent(row: PolicyRecord, caller: Caller): CrmEvent {
    return {
      key: 'policy.created',
      subject: row.id,
      data: {
        policyId: row.id,
        dealId: row.dealId,
        clientId: row.clientId,
        calculationId: row.calculationId,
        policyNumber: row.policyNumber,
        status: row.status,
        effectiveFrom: row.effectiveFrom,
        effectiveTo: row.effectiveTo,
        createdAt: row.createdAt.toISOString(),
        actorId: caller.actorId,
      },
    };
  }
}
