import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AppendJournalRequest, JournalEntry, JournalPage, ParsedJournalQuery } from '@polis/contracts';
import { Invalid } from '@polis/platform';
import type { Caller } from '../common/caller.js';
import { CrmDb } from '../common/crm-db.js';
import { dealNotFound } from '../common/errors.js';
import type { JournalRow } from '../db/schema.js';
import { DealRepository } from '../deals/deal.repository.js';
import { CrmEvents } from '../events/crm.events.js';
import { JournalRepository } from './journal.repository.js';

function toEntry(row: JournalRow): JournalEntry {
  return {
    id: row.id,
    dealId: row.dealId,
    authorId: row.authorId,
    body: row.body,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The deal journal: append-only notes written by people on the deal (domain.md §2.4). */
@Injectable()
export class JournalService {
  constructor(
    private readonly db: CrmDb,
    private readonly deals: DealRepository,
    private readonly journal: JournalRepository,
    private readonly events: CrmEvents,
  ) {}

  async list(caller: Caller, dealId: string, query: ParsedJournalQuery): Promise<JournalPage> {
    return this.db.read(caller, async (tx) => {
      if (!(await this.deals.findVisible(tx, caller, dealId))) throw dealNotFound();
      const { rows, total } = await this.journal.page(tx, dealId, query.limit, query.offset);
      return { items: rows.map(toEntry), total };
    });
  }

  async append(caller: Caller, dealId: string, input: AppendJournalRequest): Promise<JournalEntry> {
    // The author is the caller; only a machine writing on someone's behalf names one.
    const authorId = caller.isService ? (input.authorId ?? null) : caller.userId;
    if (authorId === null) {
      throw new Invalid('A service must name the author of a journal entry.', 'validation_error', {
        errors: [{ field: 'authorId', message: 'is required for service callers' }],
      });
    }
    return this.db.write(caller, async (tx) => {
      if (!(await this.deals.findVisible(tx, caller, dealId))) throw dealNotFound();
      const row = await this.journal.append(tx, { id: randomUUID(), dealId, authorId, body: input.body });
      await this.events.emit(tx, [
        {
          key: 'deal.journal.appended',
          subject: dealId,
          data: {
            dealId,
            entryId: row.id,
            authorId: row.authorId,
            body: row.body,
            createdAt: row.createdAt.toISOString(),
          },
        },
      ]);
      return toEntry(row);
    });
  }
}
