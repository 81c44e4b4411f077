import { Injectable } from '@nestjs/common';
import type { Executor } from '@polis/db';
import { asc, count, eq } from 'drizzle-orm';
import { dealJournal, type JournalRow } from '../db/schema.js';

@Injectable()
export class JournalRepository {
  async append(tx: Executor, entry: Omit<JournalRow, 'createdAt'>): Promise<JournalRow> {
    const [row] = await tx.insert(dealJournal).values(entry).returning();
    return row as JournalRow;
  }

  /** Oldest first, with the total of the deal's entries. */
  async page(
    tx: Executor,
    dealId: string,
    limit: number,
    offset: number,
  ): Promise<{ rows: JournalRow[]; total: number }> {
    const [totalRow] = await tx.select({ total: count() }).from(dealJournal).where(eq(dealJournal.dealId, dealId));
    const rows = await tx
      .select()
      .from(dealJournal)
      .where(eq(dealJournal.dealId, dealId))
      .orderBy(asc(dealJournal.createdAt), asc(dealJournal.id))
      .limit(limit)
      .offset(offset);
    return { rows, total: Number(totalRow?.total ?? 0) };
  }
}
