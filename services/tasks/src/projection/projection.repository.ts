import { Injectable } from '@nestjs/common';
import type { Executor } from '@polis/db';
import { and, eq, sql } from 'drizzle-orm';
import { type CrmPolicyRow, crmDealMembers, crmDeals, crmPayments, crmPolicies, tasks } from '../db/schema.js';

export interface DealFacts {
  dealId: string;
  clientId?: string | null;
  ownerId?: string | null;
  title?: string | null;
}

export interface PolicyFacts {
  policyId: string;
  dealId: string | null;
  clientId: string | null;
  policyNumber?: string | null;
  status: string;
  effectiveFrom: string | null;
  effectiveTo: string | null;
}

export interface PaymentFacts {
  paymentId: string;
  dealId: string;
  policyId: string;
  sequence: number | null;
  status: string;
  plannedDate: string | null;
  plannedAmount: string | null;
  currency: string | null;
  actualDate: string | null;
}

/** The CRM facts Tasks keeps (deal teams, policies, payments), written with a service identity. */
@Injectable()
export class ProjectionRepository {
  async upsertDeal(tx: Executor, facts: DealFacts): Promise<void> {
    const values = {
      dealId: facts.dealId,
      clientId: facts.clientId ?? null,
      ownerId: facts.ownerId ?? null,
      title: facts.title ?? null,
    };
    await tx
      .insert(crmDeals)
      .values(values)
      .onConflictDoUpdate({
        target: crmDeals.dealId,
        set: {
          ...(facts.clientId !== undefined ? { clientId: facts.clientId } : {}),
          ...(facts.ownerId !== undefined ? { ownerId: facts.ownerId } : {}),
          ...(facts.title !== undefined ? { title: facts.title } : {}),
          updatedAt: sql`now()`,
        },
      });
  }

  /** Records a deal first seen through CRM's API; events, which know better, are not overwritten. */
  async rememberDeal(tx: Executor, facts: DealFacts): Promise<void> {
    await tx
      .insert(crmDeals)
      .values({
        dealId: facts.dealId,
        clientId: facts.clientId ?? null,
        ownerId: facts.ownerId ?? null,
        title: facts.title ?? null,
      })
      .onConflictDoNothing();
  }

  async deleteDeal(tx: Executor, dealId: string): Promise<void> {
    await tx.update(crmDeals).set({ isDeleted: true, updatedAt: sql`now()` }).where(eq(crmDeals.dealId, dealId));
    await tx.delete(crmDealMembers).where(eq(crmDealMembers.dealId, dealId));
    // domain.md §2.10: a task's link is cleared when its target is deleted.
    await tx.update(tasks).set({ dealId: null, updatedAt: sql`now()` }).where(eq(tasks.dealId, dealId));
  }

  async addMember(tx: Executor, dealId: string, userId: string): Promise<void> {
    await tx.insert(crmDealMembers).values({ dealId, userId }).onConflictDoNothing();
  }

  async removeMember(tx: Executor, dealId: string, userId: string): Promise<void> {
    await tx.delete(crmDealMembers).where(and(eq(crmDealMembers.dealId, dealId), eq(crmDealMembers.userId, userId)));
  }

  async upsertPolicy(tx: Executor, facts: PolicyFacts): Promise<void> {
    const values = {
      policyId: facts.policyId,
      dealId: facts.dealId,
      clientId: facts.clientId,
      policyNumber: facts.policyNumber ?? null,
      status: facts.status,
      effectiveFrom: facts.effectiveFrom,
      effectiveTo: facts.effectiveTo,
    };
    const { policyId: _id, ...set } = values;
    await tx
      .insert(crmPolicies)
      .values(values)
      .onConflictDoUpdate({ target: crmPolicies.policyId, set: { ...set, updatedAt: sql`now()` } });
  }

  /** Applies a `policy.updated` change set (camelCase keys) to a known policy. */
  async patchPolicy(tx: Executor, policyId: string, changes: Record<string, unknown>): Promise<boolean> {
    const set: Partial<typeof crmPolicies.$inferInsert> = {};
    if (typeof changes.status === 'string') set.status = changes.status;
    if (changes.effectiveFrom === null || typeof changes.effectiveFrom === 'string') {
      set.effectiveFrom = changes.effectiveFrom as string | null;
    }
    if (changes.effectiveTo === null || typeof changes.effectiveTo === 'string') {
      set.effectiveTo = changes.effectiveTo as string | null;
    }
    if (changes.isDeleted === true) set.isDeleted = true;
    if (typeof changes.dealId === 'string') set.dealId = changes.dealId;
    const rows = await tx
      .update(crmPolicies)
      .set({ ...set, updatedAt: sql`now()` })
      .where(eq(crmPolicies.policyId, policyId))
      .returning({ id: crmPolicies.policyId });
    if (changes.isDeleted === true) {
      await tx.update(tasks).set({ policyId: null, updatedAt: sql`now()` }).where(eq(tasks.policyId, policyId));
    }
    return rows.length > 0;
  }

  async policy(tx: Executor, policyId: string): Promise<CrmPolicyRow | undefined> {
    const [row] = await tx.select().from(crmPolicies).where(eq(crmPolicies.policyId, policyId));
    return row;
  }

  async upsertPayment(tx: Executor, facts: PaymentFacts): Promise<void> {
    const { paymentId: _id, ...set } = facts;
    await tx
      .insert(crmPayments)
      .values(facts)
      .onConflictDoUpdate({ target: crmPayments.paymentId, set: { ...set, isDeleted: false, updatedAt: sql`now()` } });
  }

  async deletePayment(tx: Executor, paymentId: string): Promise<void> {
    await tx
      .update(crmPayments)
      .set({ isDeleted: true, updatedAt: sql`now()` })
      .where(eq(crmPayments.paymentId, paymentId));
    await tx.update(tasks).set({ paymentId: null, updatedAt: sql`now()` }).where(eq(tasks.paymentId, paymentId));
  }

  async paymentRef(tx: Executor, paymentId: string): Promise<{ dealId: string; policyId: string } | undefined> {
    const [row] = await tx
      .select({ dealId: crmPayments.dealId, policyId: crmPayments.policyId })
      .from(crmPayments)
      .where(eq(crmPayments.paymentId, paymentId));
    return row;
  }

  async team(tx: Executor, dealId: string): Promise<{ ownerId: string | null; members: string[] } | undefined> {
    const [deal] = await tx
      .select({ ownerId: crmDeals.ownerId, isDeleted: crmDeals.isDeleted })
      .from(crmDeals)
      .where(eq(crmDeals.dealId, dealId));
    if (!deal || deal.isDeleted) return undefined;
    const members = await tx
      .select({ userId: crmDealMembers.userId })
      .from(crmDealMembers)
      .where(eq(crmDealMembers.dealId, dealId))
      .orderBy(crmDealMembers.createdAt, crmDealMembers.userId);
    return { ownerId: deal.ownerId, members: members.map((row) => row.userId) };
  }
}
