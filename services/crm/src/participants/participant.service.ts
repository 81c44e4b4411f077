import { Injectable } from '@nestjs/common';
import type { Participant } from '@polis/contracts';
import type { Tx } from '@polis/db';
import { Conflict, NotFound } from '@polis/platform';
import type { Caller } from '../common/caller.js';
import { CrmDb } from '../common/crm-db.js';
import { dealNotFound, forbidden } from '../common/errors.js';
import type { ParticipantRow } from '../db/schema.js';
import { DealRepository } from '../deals/deal.repository.js';
import { canManageDeal } from '../deals/deal-rules.js';
import { CrmEvents } from '../events/crm.events.js';
import { ParticipantRepository } from './participant.repository.js';

function toParticipant(row: ParticipantRow): Participant {
  return { dealId: row.dealId, userId: row.userId, addedById: row.addedById, createdAt: row.createdAt.toISOString() };
}

/**
 * The deal team (ARCHITECTURE.md §7): members see the deal and everything beneath it; the lead and
 * admins add and remove them. User ids are Auth's: CRM records them without reading Auth's tables.
 */
@Injectable()
export class ParticipantService {
  constructor(
    private readonly db: CrmDb,
    private readonly deals: DealRepository,
    private readonly participants: ParticipantRepository,
    private readonly events: CrmEvents,
  ) {}

  async list(caller: Caller, dealId: string): Promise<Participant[]> {
    return this.db.read(caller, async (tx) => {
      if (!(await this.deals.findVisible(tx, caller, dealId))) throw dealNotFound();
      return (await this.participants.list(tx, dealId)).map(toParticipant);
    });
  }

  async add(caller: Caller, dealId: string, userId: string): Promise<Participant> {
    return this.db.write(caller, async (tx) => {
      await this.requireManaged(tx, caller, dealId);
      const row = await this.participants.add(tx, { dealId, userId, addedById: caller.userId });
      if (!row) throw new Conflict('The user is already on the deal team.', 'participant_exists');
      await this.events.emit(tx, [
        {
          key: 'deal.participant.added',
          subject: dealId,
          data: {
            dealId,
            userId,
            addedById: row.addedById,
            addedAt: row.createdAt.toISOString(),
            actorId: caller.actorId,
          },
        },
      ]);
      return toParticipant(row);
    });
  }

  async remove(caller: Caller, dealId: string, userId: string): Promise<void> {
    await this.db.write(caller, async (tx) => {
      await this.requireManaged(tx, caller, dealId);
      if (!(await this.participants.remove(tx, dealId, userId))) {
        throw new NotFound('The user is not on the deal team.', 'participant_not_found');
      }
      await this.events.emit(tx, [
        {
          key: 'deal.participant.removed',
          subject: dealId,
          data: { dealId, userId, removedAt: new Date().toISOString(), actorId: caller.actorId },
        },
      ]);
    });
  }

  private async requireManaged(tx: Tx, caller: Caller, dealId: string): Promise<void> {
    const deal = await this.deals.findVisible(tx, caller, dealId, true);
    if (!deal) throw dealNotFound();
    if (!canManageDeal(caller, deal)) throw forbidden('Only the deal lead or an administrator changes the team.');
  }
}
