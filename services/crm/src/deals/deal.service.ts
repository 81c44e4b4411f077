import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  DEAL_STAGES,
  type Deal,
  type DealDetail,
  type DealStage,
  type DealStatus,
  type DealsPage,
  type ParsedCreateDealRequest,
  type ParsedDealsQuery,
  type ParsedStageMetricsQuery,
  type ParsedUpdateDealRequest,
  STAGE_TO_STATUS,
  STATUS_TO_STAGE,
  type StageMetric,
} from '@polis/contracts';
import type { Tx } from '@polis/db';
import { type Clock, Conflict } from '@polis/platform';
import { CalculationRepository } from '../calculations/calculation.repository.js';
import { ClientRepository } from '../clients/client.repository.js';
import type { Caller } from '../common/caller.js';
import { diff } from '../common/changes.js';
import { CrmDb } from '../common/crm-db.js';
import { assertVersion, clientNotFound, dealNotFound, forbidden } from '../common/errors.js';
import { CLOCK } from '../crm.tokens.js';
import { type CrmEvent, CrmEvents } from '../events/crm.events.js';
import { PolicyRepository } from '../policies/policy.repository.js';
import { type DealPatch, type DealRecord, DealRepository } from './deal.repository.js';
import { toDeal } from './deal.view.js';
import { canManageDeal, refuseDealTransition, suggestNextReview } from './deal-rules.js';

export interface DealChange {
  title?: string;
  description?: string | null;
  status?: DealStatus;
  nextReviewAt?: string;
  ownerId?: string | null;
}

/** Deals: the lead (owner) and admins change them; status moves follow domain.md §3.1. */
@Injectable()
export class DealService {
  constructor(
    private readonly db: CrmDb,
    private readonly deals: DealRepository,
    private readonly clients: ClientRepository,
    private readonly calculations: CalculationRepository,
    private readonly policies: PolicyRepository,
    private readonly events: CrmEvents,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(caller: Caller, input: ParsedCreateDealRequest): Promise<Deal> {
    if (!caller.isAdmin && !caller.isSalesAgent) throw forbidden('Only sellers and administrators open deals.');
    if (input.status !== undefined && input.status !== 'qualification') {
      throw new Conflict('A new deal starts in qualification.', 'invalid_status_transition', {
        details: { current: null, next: input.status },
      });
    }
    const ownerId = this.ownerFor(caller, input.ownerId);
    return this.db.write(caller, async (tx) => {
      const client = await this.clients.findVisible(tx, caller, input.clientId);
      if (!client) throw clientNotFound();
      const row = await this.deals.insert(tx, {
        id: randomUUID(),
        clientId: client.id,
        ownerId,
        title: input.title,
        description: input.description ?? null,
        status: 'qualification',
        nextReviewAt: input.nextReviewAt,
      });
      await this.events.emit(tx, [
        {
          key: 'deal.created',
          subject: row.id,
          data: {
            dealId: row.id,
            clientId: row.clientId,
            title: row.title,
            status: row.status,
            stage: STATUS_TO_STAGE[row.status],
            ownerId: row.ownerId,
            nextReviewAt: row.nextReviewAt,
            createdAt: row.createdAt.toISOString(),
            actorId: caller.actorId,
          },
        },
      ]);
      return toDeal(row);
    });
  }

  async get(caller: Caller, id: string): Promise<DealDetail> {
    return this.db.read(caller, async (tx) => {
      const row = await this.deals.findVisible(tx, caller, id);
      if (!row) throw dealNotFound();
      const anchors = await this.policies.reviewAnchors(tx, id);
      return { ...toDeal(row), suggestedNextReviewAt: suggestNextReview(this.clock.today(), anchors) };
    });
  }

  async list(caller: Caller, query: ParsedDealsQuery): Promise<DealsPage> {
    const { limit, cursor, ...filters } = query;
    const { rows, nextCursor } = await this.db.read(caller, (tx) =>
      this.deals.list(tx, caller, filters, { limit, cursor }, this.clock.today()),
    );
    return { items: rows.map(toDeal), nextCursor };
  }

  /** All five stages, always; conversion rates sum to 1 when anything matches. */
  async stageMetrics(caller: Caller, query: ParsedStageMetricsQuery): Promise<StageMetric[]> {
    const counts = await this.db.read(caller, (tx) => this.deals.countByStatus(tx, caller, query, this.clock.today()));
    const total = counts.reduce((sum, row) => sum + row.count, 0);
    return DEAL_STAGES.map((stage) => {
      const row = counts.find((entry) => entry.status === STAGE_TO_STATUS[stage]);
      const count = row?.count ?? 0;
      return {
        stage,
        count,
        totalValue: row?.totalValue ?? '0.00',
        conversionRate: total === 0 ? 0 : count / total,
        avgCycleDurationDays: row?.avgCycleDays === null || row === undefined ? null : round2(row.avgCycleDays),
      };
    });
  }

  async update(
    caller: Caller,
    id: string,
    input: ParsedUpdateDealRequest,
    expected: number | undefined,
  ): Promise<Deal> {
    const { version: _version, ...change } = input;
    return this.change(caller, id, change, expected);
  }

  async setStage(caller: Caller, id: string, stage: DealStage, expected: number | undefined): Promise<Deal> {
    return this.change(caller, id, { status: STAGE_TO_STATUS[stage] }, expected);
  }

  /** Writes the suggested next review date ("park until the next event"). */
  async park(caller: Caller, id: string, expected: number | undefined): Promise<DealDetail> {
    return this.db.write(caller, async (tx) => {
      const current = await this.lockManaged(tx, caller, id);
      assertVersion(current.version, expected);
      const suggestion = suggestNextReview(this.clock.today(), await this.policies.reviewAnchors(tx, id));
      if (suggestion === null) {
        throw new Conflict(
          'Nothing is scheduled ahead for this deal; set the review date by hand.',
          'no_upcoming_event',
        );
      }
      const row = await this.apply(tx, caller, current, { nextReviewAt: suggestion });
      return { ...toDeal(row), suggestedNextReviewAt: suggestion };
    });
  }

  /** Soft delete, admin only, and only while no live policy hangs on the deal. */
  async delete(caller: Caller, id: string): Promise<void> {
    await this.db.write(caller, async (tx) => {
      const current = await this.deals.findVisible(tx, caller, id, true);
      if (!current) throw dealNotFound();
      if (!caller.isAdmin) throw forbidden('Only an administrator deletes a deal.');
      if (await this.policies.hasLive(tx, id)) {
        throw new Conflict('The deal has policies; it cannot be deleted.', 'deal_has_policies');
      }
      const row = await this.deals.update(tx, id, { isDeleted: true });
      await this.events.emit(tx, [
        {
          key: 'deal.deleted',
          subject: id,
          data: { dealId: id, deletedAt: row.updatedAt.toISOString(), actorId: caller.actorId },
        },
      ]);
    });
  }

  private async change(caller: Caller, id: string, change: DealChange, expected: number | undefined): Promise<Deal> {
    return this.db.write(caller, async (tx) => {
      const current = await this.lockManaged(tx, caller, id);
      assertVersion(current.version, expected);
      return toDeal(await this.apply(tx, caller, current, change));
    });
  }

  private async lockManaged(tx: Tx, caller: Caller, id: string): Promise<DealRecord> {
    const current = await this.deals.findVisible(tx, caller, id, true);
    if (!current) throw dealNotFound();
    if (!canManageDeal(caller, current)) throw forbidden('Only the deal lead or an administrator changes the deal.');
    return current;
  }

  /** Applies field edits and a status move in one write; `deal.updated` and/or `deal.status.changed`. */
  private async apply(tx: Tx, caller: Caller, current: DealRecord, change: DealChange): Promise<DealRecord> {
    const { status, ...fields } = change;
    const { changed, changes, previous } = diff<DealPatch>(current, fields);
    if (changed.ownerId !== undefined && !caller.isAdmin) throw forbidden('Only an administrator reassigns a deal.');
    const statusChanges = status !== undefined && status !== current.status;
    if (statusChanges) await this.assertTransition(tx, current, status);
    if (!statusChanges && Object.keys(changes).length === 0) return current;

    const row = await this.deals.update(tx, current.id, statusChanges ? { ...changed, status } : changed);
    const at = row.updatedAt.toISOString();
    const events: CrmEvent[] = [];
    if (Object.keys(changes).length > 0) {
      events.push({
        key: 'deal.updated',
        subject: row.id,
        data: { dealId: row.id, changes, previous, updatedAt: at, actorId: caller.actorId },
      });
    }
    if (statusChanges) {
      events.push({
        key: 'deal.status.changed',
        subject: row.id,
        data: {
          dealId: row.id,
          oldStatus: current.status,
          newStatus: row.status,
          stage: STATUS_TO_STAGE[row.status],
          changedAt: at,
          actorId: caller.actorId,
        },
      });
    }
    await this.events.emit(tx, events);
    return row;
  }

  private async assertTransition(tx: Tx, current: DealRecord, next: DealStatus): Promise<void> {
    const details = { current: current.status, next };
    const refusal = refuseDealTransition(current.status, next);
    if (refusal === 'deal_closed') {
      throw new Conflict('Won and lost deals are final; open a new deal instead.', 'deal_closed', { details });
    }
    if (refusal) {
      throw new Conflict(`A deal cannot move from ${current.status} to ${next}.`, 'invalid_status_transition', {
        details,
      });
    }
    if (next === 'proposal' && (await this.calculations.countLive(tx, current.id, ['ready', 'confirmed'])) === 0) {
      throw new Conflict('A proposal needs at least one ready calculation.', 'ready_calculation_required', {
        details,
      });
    }
    if (next === 'won' && !(await this.policies.hasActive(tx, current.id))) {
      throw new Conflict('A deal is won once it has an active policy.', 'active_policy_required', { details });
    }
  }

  /** Non-admins own what they open; admins may name anyone, or nobody. */
  private ownerFor(caller: Caller, requested: string | null | undefined): string | null {
    if (requested === undefined) return caller.userId;
    if (caller.isAdmin || requested === caller.userId) return requested;
    throw forbidden('Only an administrator assigns a deal to someone else.');
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
