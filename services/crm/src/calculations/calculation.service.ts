import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type {
  Calculation,
  CalculationComparison,
  CalculationStatusRequest,
  CalculationsPage,
  CreateCalculationRequest,
  ParsedCalculationsQuery,
  UpdateCalculationRequest,
} from '@polis/contracts';
import { isUniqueViolation, type Tx } from '@polis/db';
import { Conflict, Invalid } from '@polis/platform';
import type { Caller } from '../common/caller.js';
import { diff } from '../common/changes.js';
import { CrmDb } from '../common/crm-db.js';
import { assertVersion, calculationNotFound, dealNotFound, forbidden, policyNotFound } from '../common/errors.js';
import { type DealRecord, DealRepository } from '../deals/deal.repository.js';
import { canManageDeal } from '../deals/deal-rules.js';
import { CrmEvents } from '../events/crm.events.js';
import { POLICY_CALCULATION_CONSTRAINT, PolicyRepository } from '../policies/policy.repository.js';
import { type CalculationPatch, type CalculationRecord, CalculationRepository } from './calculation.repository.js';
import { CALCULATION_STATUS_EVENT, calculationEventData, toCalculation } from './calculation.view.js';
import { canMoveCalculation, isEditableCalculation, readinessProblems } from './calculation-rules.js';

const READINESS_MESSAGES = {
  program_required_for_ready: 'A ready calculation needs a program name.',
  premium_required_for_ready: 'A ready calculation needs a premium.',
  validity_period_required_for_ready: 'A ready calculation needs its validity period.',
  files_required_for_ready: 'A ready calculation needs at least one file.',
} as const;

/** 400 with the first missing piece as code (domain.md §3.2) and all of them in `details.missing`. */
function assertReady(calculation: CalculationRecord): void {
  const problems = readinessProblems(calculation);
  const first = problems[0];
  if (first) throw new Invalid(READINESS_MESSAGES[first], first, { details: { missing: problems } });
}

/**
 * Calculations (insurers' quotes) of a deal: every deal member enters and edits them; the lead or
 * an admin confirms one (optionally linking a policy of the deal) and deletes them.
 */
@Injectable()
export class CalculationService {
  constructor(
    private readonly db: CrmDb,
    private readonly deals: DealRepository,
    private readonly calculations: CalculationRepository,
    private readonly policies: PolicyRepository,
    private readonly events: CrmEvents,
  ) {}

  async list(caller: Caller, dealId: string, query: ParsedCalculationsQuery): Promise<CalculationsPage> {
    return this.db.read(caller, async (tx) => {
      await this.requireDeal(tx, caller, dealId);
      const { rows, nextCursor } = await this.calculations.list(tx, caller, dealId, query);
      return { items: rows.map(toCalculation), nextCursor };
    });
  }

  async get(caller: Caller, dealId: string, id: string): Promise<Calculation> {
    return this.db.read(caller, async (tx) => {
      await this.requireDeal(tx, caller, dealId);
      return toCalculation(await this.requireCalculation(tx, caller, dealId, id));
    });
  }

  async create(caller: Caller, dealId: string, input: CreateCalculationRequest): Promise<Calculation> {
    return this.db.write(caller, async (tx) => {
      await this.requireDeal(tx, caller, dealId);
      const row = await this.calculations.insert(tx, {
        id: randomUUID(),
        dealId,
        ownerId: input.ownerId,
        insuranceCompany: input.insuranceCompany,
        programName: input.programName ?? null,
        premiumAmount: input.premiumAmount ?? null,
        coverageSum: input.coverageSum ?? null,
        calculationDate: input.calculationDate,
        validityPeriod: input.validityPeriod ?? null,
        status: 'draft',
        files: input.files ?? [],
        comments: input.comments ?? null,
      });
      await this.events.emit(tx, [
        { key: 'deal.calculation.created', subject: row.id, data: calculationEventData(row, caller.actorId) },
      ]);
      return toCalculation(row);
    });
  }

  async update(
    caller: Caller,
    dealId: string,
    id: string,
    input: UpdateCalculationRequest,
    expected: number | undefined,
  ): Promise<Calculation> {
    return this.db.write(caller, async (tx) => {
      await this.requireDeal(tx, caller, dealId);
      const current = await this.requireCalculation(tx, caller, dealId, id, true);
      if (!isEditableCalculation(current.status)) {
        throw new Invalid(`A ${current.status} calculation cannot be edited.`, 'calculation_update_forbidden', {
          details: { status: current.status },
        });
      }
      assertVersion(current.version, expected);
      const { version: _version, ...fields } = input;
      const { changed } = diff<CalculationPatch>(current, fields);
      if (Object.keys(changed).length === 0) return toCalculation(current);
      // A ready quote must stay complete.
      if (current.status === 'ready') assertReady({ ...current, ...changed });
      const row = await this.calculations.update(tx, id, changed);
      await this.events.emit(tx, [
        { key: 'deal.calculation.updated', subject: id, data: calculationEventData(row, caller.actorId) },
      ]);
      return toCalculation(row);
    });
  }

  async setStatus(
    caller: Caller,
    dealId: string,
    id: string,
    input: CalculationStatusRequest,
    expected: number | undefined,
  ): Promise<Calculation> {
    return this.db.write(caller, async (tx) => {
      const deal = await this.requireDeal(tx, caller, dealId);
      const current = await this.requireCalculation(tx, caller, dealId, id, true);
      assertVersion(current.version, expected);
      const next = input.status;
      if (!canMoveCalculation(current.status, next)) {
        throw new Conflict(
          `A calculation cannot move from ${current.status} to ${next}.`,
          'invalid_status_transition',
          {
            details: { current: current.status, next },
          },
        );
      }
      if (input.policyId !== undefined && next !== 'confirmed') {
        throw new Invalid('policyId is only given when confirming.', 'validation_error', {
          errors: [{ field: 'policyId', message: 'only allowed with status confirmed' }],
        });
      }
      if (next === 'ready') assertReady(current);
      if (next === 'confirmed') {
        if (!canManageDeal(caller, deal)) {
          throw forbidden('Only the deal lead or an administrator confirms a calculation.');
        }
        if (input.policyId !== undefined) await this.linkPolicy(tx, caller, dealId, id, input.policyId);
      }
      const row = await this.calculations.update(tx, id, { status: next });
      await this.events.emit(tx, [
        { key: CALCULATION_STATUS_EVENT[next], subject: id, data: calculationEventData(row, caller.actorId) },
      ]);
      return toCalculation(row);
    });
  }

  /** Soft delete by the lead or an admin; a confirmed quote stays; the policy link is dropped. */
  async delete(caller: Caller, dealId: string, id: string): Promise<void> {
    await this.db.write(caller, async (tx) => {
      const deal = await this.requireDeal(tx, caller, dealId);
      const current = await this.requireCalculation(tx, caller, dealId, id, true);
      if (!canManageDeal(caller, deal))
        throw forbidden('Only the deal lead or an administrator deletes a calculation.');
      if (current.status === 'confirmed') {
        throw new Conflict('A confirmed calculation cannot be deleted; archive it instead.', 'calculation_confirmed');
      }
      await this.policies.unlinkCalculation(tx, id);
      const row = await this.calculations.update(tx, id, { isDeleted: true });
      await this.events.emit(tx, [
        {
          key: 'deal.calculation.deleted',
          subject: id,
          data: calculationEventData({ ...row, linkedPolicyId: null }, caller.actorId),
        },
      ]);
    });
  }

  async comparison(caller: Caller, dealId: string): Promise<CalculationComparison> {
    return this.db.read(caller, async (tx) => {
      await this.requireDeal(tx, caller, dealId);
      const rows = await this.calculations.forComparison(tx, caller, dealId);
      // Rows come cheapest first, so the first priced one holds the lowest premium.
      const lowest = rows.find((row) => row.premiumAmount !== null)?.premiumAmount ?? null;
      const items = rows.map((row) => ({
        calculationId: row.id,
        insuranceCompany: row.insuranceCompany,
        programName: row.programName,
        status: row.status,
        premiumAmount: row.premiumAmount,
        coverageSum: row.coverageSum,
        validityPeriod: row.validityPeriod,
        calculationDate: row.calculationDate,
        cheapest: lowest !== null && row.premiumAmount === lowest,
      }));
      return { dealId, cheapestCalculationId: items.find((item) => item.cheapest)?.calculationId ?? null, items };
    });
  }

  private async linkPolicy(tx: Tx, caller: Caller, dealId: string, calculationId: string, policyId: string) {
    const policy = await this.policies.findVisible(tx, caller, policyId, true);
    if (!policy || policy.dealId !== dealId) throw policyNotFound();
    if (policy.calculationId !== null && policy.calculationId !== calculationId) {
      throw new Invalid('The policy is already linked to another calculation.', 'policy_already_linked');
    }
    try {
      await this.policies.update(tx, policyId, { calculationId });
    } catch (error) {
      if (isUniqueViolation(error, POLICY_CALCULATION_CONSTRAINT)) {
        throw new Conflict('Another policy is already linked to this calculation.', 'calculation_already_linked');
      }
      throw error;
    }
  }

  private async requireDeal(tx: Tx, caller: Caller, dealId: string): Promise<DealRecord> {
    const deal = await this.deals.findVisible(tx, caller, dealId);
    if (!deal) throw dealNotFound();
    return deal;
  }

  private async requireCalculation(
    tx: Tx,
    caller: Caller,
    dealId: string,
    id: string,
    lock = false,
  ): Promise<CalculationRecord> {
    const row = await this.calculations.findVisible(tx, caller, dealId, id, lock);
    if (!row) throw calculationNotFound();
    return row;
  }
}
