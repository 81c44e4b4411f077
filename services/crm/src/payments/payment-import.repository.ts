import { Injectable } from '@nestjs/common';
import type { Executor } from '@polis/db';
import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Caller } from '../common/caller.js';
import { dealIdVisibility, policyVisibility } from '../common/visibility.js';
import { type PaymentRow, payments, policies } from '../db/schema.js';

/** Lookups of the CSV import: payments by (policy number, sequence), as the caller may see them. */
@Injectable()
export class PaymentImportRepository {
  /** Live policies with a deal among `numbers` that the caller may see: number → id. */
  async policiesByNumber(tx: Executor, caller: Caller, numbers: readonly string[]): Promise<Map<string, string>> {
    if (numbers.length === 0) return new Map();
    const rows = await tx
      .select({ id: policies.id, policyNumber: policies.policyNumber })
      .from(policies)
      .where(
        and(
          inArray(policies.policyNumber, [...numbers]),
          eq(policies.isDeleted, false),
          isNotNull(policies.dealId),
          policyVisibility(caller),
        ),
      );
    return new Map(rows.map((row) => [row.policyNumber, row.id]));
  }

  /**
   * Live payments of those policies with one of those sequences (the caller's pairs are picked
   * out by the service); `lock` holds them until the import commits.
   */
  async payments(
    tx: Executor,
    caller: Caller,
    policyIds: readonly string[],
    sequences: readonly number[],
    lock: boolean,
  ): Promise<PaymentRow[]> {
    if (policyIds.length === 0 || sequences.length === 0) return [];
    const query = tx
      .select()
      .from(payments)
      .where(
        and(
          inArray(payments.policyId, [...policyIds]),
          inArray(payments.sequence, [...sequences]),
          eq(payments.isDeleted, false),
          dealIdVisibility(caller, payments.dealId),
        ),
      );
    return lock ? query.for('update') : query;
  }
}
