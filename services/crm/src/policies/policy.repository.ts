import { Injectable } from '@nestjs/common';
import type { ParsedPoliciesQuery } from '@polis/contracts';
import type { Executor } from '@polis/db';
import { and, asc, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Caller } from '../common/caller.js';
import { CURSOR_PATTERNS, decodeCursor, encodeCursor } from '../common/cursor.js';
import { exactTimestamp } from '../common/sql.js';
import { policyVisibility } from '../common/visibility.js';
import { type PolicyDocumentRow, type PolicyRow, policies, policyDocuments } from '../db/schema.js';
import type { ReviewAnchor } from '../deals/deal-rules.js';

export type PolicyRecord = PolicyRow;
export type NewPolicy = Omit<PolicyRow, 'version' | 'isDeleted' | 'createdAt' | 'updatedAt'>;
export type PolicyPatch = Partial<
  Pick<
    PolicyRow,
    | 'status'
    | 'closedReason'
    | 'premium'
    | 'commissionRate'
    | 'effectiveFrom'
    | 'effectiveTo'
    | 'isDeleted'
    | 'calculationId'
  >
>;

const POLICY_CURSOR = [CURSOR_PATTERNS.timestamp, CURSOR_PATTERNS.uuid] as const;
export const POLICY_NUMBER_CONSTRAINT = 'uq_policies_policy_number';
export const POLICY_CALCULATION_CONSTRAINT = 'uq_policies_calculation';

@Injectable()
export class PolicyRepository {
  async insert(tx: Executor, policy: NewPolicy): Promise<PolicyRecord> {
    const [row] = await tx.insert(policies).values(policy).returning();
    return row as PolicyRecord;
  }

  /** A live policy the caller may see; `lock` takes a row lock for a read-modify-write. */
  async findVisible(tx: Executor, caller: Caller, id: string, lock = false): Promise<PolicyRecord | undefined> {
    const query = tx
      .select()
      .from(policies)
      .where(and(eq(policies.id, id), eq(policies.isDeleted, false), policyVisibility(caller)))
      .limit(1);
    const [row] = lock ? await query.for('update') : await query;
    return row;
  }

  async update(tx: Executor, id: string, patch: PolicyPatch): Promise<PolicyRecord> {
    const [row] = await tx
      .update(policies)
      .set({ ...patch, version: sql`${policies.version} + 1`, updatedAt: new Date() })
      .where(eq(policies.id, id))
      .returning();
    return row as PolicyRecord;
  }

  /** Drops the link of a quote that is deleted (domain.md §3.2). */
  async unlinkCalculation(tx: Executor, calculationId: string): Promise<void> {
    await tx
      .update(policies)
      .set({ calculationId: null, version: sql`${policies.version} + 1`, updatedAt: new Date() })
      .where(eq(policies.calculationId, calculationId));
  }

  /** Newest first; keyset pages. */
  async list(
    tx: Executor,
    caller: Caller,
    query: ParsedPoliciesQuery,
  ): Promise<{ rows: PolicyRecord[]; nextCursor: string | null }> {
    const conditions: Array<SQL | undefined> = [eq(policies.isDeleted, false), policyVisibility(caller)];
    if (query.dealId) conditions.push(eq(policies.dealId, query.dealId));
    if (query.clientId) conditions.push(eq(policies.clientId, query.clientId));
    if (query.status) conditions.push(inArray(policies.status, query.status));
    if (query.cursor) {
      const [createdAt, id] = decodeCursor(query.cursor, POLICY_CURSOR) as [string, string];
      conditions.push(sql`(${policies.createdAt}, ${policies.id}) < (${createdAt}::timestamptz, ${id}::uuid)`);
    }
    const rows = await tx
      .select({ policy: policies, cursorCreatedAt: exactTimestamp(policies.createdAt) })
      .from(policies)
      .where(and(...conditions))
      .orderBy(desc(policies.createdAt), desc(policies.id))
      .limit(query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const nextCursor = rows.length > query.limit && last ? encodeCursor([last.cursorCreatedAt, last.policy.id]) : null;
    return { rows: page.map((row) => row.policy), nextCursor };
  }

  async hasActive(tx: Executor, dealId: string): Promise<boolean> {
    const rows = await tx
      .select({ id: policies.id })
      .from(policies)
      .where(and(eq(policies.dealId, dealId), eq(policies.isDeleted, false), eq(policies.status, 'active')))
      .limit(1);
    return rows.length > 0;
  }

  async hasLive(tx: Executor, dealId: string): Promise<boolean> {
    const rows = await tx
      .select({ id: policies.id })
      .from(policies)
      .where(and(eq(policies.dealId, dealId), eq(policies.isDeleted, false)))
      .limit(1);
    return rows.length > 0;
  }

  /** What the "park until the next event" suggestion looks at. */
  async reviewAnchors(tx: Executor, dealId: string): Promise<ReviewAnchor[]> {
    return tx
      .select({ status: policies.status, effectiveTo: policies.effectiveTo })
      .from(policies)
      .where(
        and(
          eq(policies.dealId, dealId),
          eq(policies.isDeleted, false),
          inArray(policies.status, ['active', 'pending_renewal']),
        ),
      );
  }

  async documents(tx: Executor, policyId: string): Promise<PolicyDocumentRow[]> {
    return tx
      .select()
      .from(policyDocuments)
      .where(eq(policyDocuments.policyId, policyId))
      .orderBy(asc(policyDocuments.createdAt), asc(policyDocuments.id));
  }

  /** Answers the new link, or undefined when the document is already linked. */
  async linkDocument(tx: Executor, row: Omit<PolicyDocumentRow, 'createdAt'>): Promise<PolicyDocumentRow | undefined> {
    const [inserted] = await tx.insert(policyDocuments).values(row).onConflictDoNothing().returning();
    return inserted;
  }

  async unlinkDocument(tx: Executor, policyId: string, documentId: string): Promise<boolean> {
    const removed = await tx
      .delete(policyDocuments)
      .where(and(eq(policyDocuments.policyId, policyId), eq(policyDocuments.documentId, documentId)))
      .returning({ id: policyDocuments.id });
    return removed.length > 0;
  }
}
