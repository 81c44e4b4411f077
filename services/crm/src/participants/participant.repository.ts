import { Injectable } from '@nestjs/common';
import type { Executor } from '@polis/db';
import { and, asc, eq } from 'drizzle-orm';
import { dealParticipants, type ParticipantRow } from '../db/schema.js';

@Injectable()
export class ParticipantRepository {
  async list(tx: Executor, dealId: string): Promise<ParticipantRow[]> {
    return tx
      .select()
      .from(dealParticipants)
      .where(eq(dealParticipants.dealId, dealId))
      .orderBy(asc(dealParticipants.createdAt), asc(dealParticipants.userId));
  }

  /** Answers the new row, or undefined when the user already is on the team. */
  async add(tx: Executor, row: Omit<ParticipantRow, 'createdAt'>): Promise<ParticipantRow | undefined> {
    const [inserted] = await tx.insert(dealParticipants).values(row).onConflictDoNothing().returning();
    return inserted;
  }

  async remove(tx: Executor, dealId: string, userId: string): Promise<boolean> {
    const removed = await tx
      .delete(dealParticipants)
      .where(and(eq(dealParticipants.dealId, dealId), eq(dealParticipants.userId, userId)))
      .returning({ userId: dealParticipants.userId });
    return removed.length > 0;
  }
}
