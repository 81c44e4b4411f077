import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type {
  Client,
  ClientsPage,
  ParsedClientsQuery,
  ParsedCreateClientRequest,
  UpdateClientRequest,
} from '@polis/contracts';
import { Conflict } from '@polis/platform';
import type { Caller } from '../common/caller.js';
import { diff } from '../common/changes.js';
import { CrmDb } from '../common/crm-db.js';
import { assertVersion, clientNotFound, forbidden } from '../common/errors.js';
import { CrmEvents } from '../events/crm.events.js';
import { type ClientPatch, ClientRepository } from './client.repository.js';
import { toClient } from './client.view.js';

/** Clients: admins and sellers create them; whoever sees one may edit it; owner and admin delete. */
@Injectable()
export class ClientService {
  constructor(
    private readonly db: CrmDb,
    private readonly clients: ClientRepository,
    private readonly events: CrmEvents,
  ) {}

  async create(caller: Caller, input: ParsedCreateClientRequest): Promise<Client> {
    if (!caller.isAdmin && !caller.isSalesAgent) throw forbidden('Only sellers and administrators create clients.');
    const ownerId = this.ownerFor(caller, input.ownerId);
    return this.db.write(caller, async (tx) => {
      const row = await this.clients.insert(tx, {
        id: randomUUID(),
        ownerId,
        name: input.name,
        email: input.email ?? null,
        phone: input.phone ?? null,
        status: input.status,
        type: input.type,
      });
      await this.events.emit(tx, [
        {
          key: 'client.created',
          subject: row.id,
          data: {
            clientId: row.id,
            name: row.name,
            status: row.status,
            type: row.type,
            ownerId: row.ownerId,
            createdAt: row.createdAt.toISOString(),
            actorId: caller.actorId,
          },
        },
      ]);
      return toClient(row);
    });
  }

  async get(caller: Caller, id: string): Promise<Client> {
    const row = await this.db.read(caller, (tx) => this.clients.findVisible(tx, caller, id));
    if (!row) throw clientNotFound();
    return toClient(row);
  }

  async list(caller: Caller, query: ParsedClientsQuery): Promise<ClientsPage> {
    const { rows, nextCursor } = await this.db.read(caller, (tx) => this.clients.list(tx, caller, query));
    return { items: rows.map(toClient), nextCursor };
  }

  async update(caller: Caller, id: string, input: UpdateClientRequest, expected: number | undefined): Promise<Client> {
    return this.db.write(caller, async (tx) => {
      const current = await this.clients.findVisible(tx, caller, id, true);
      if (!current) throw clientNotFound();
      assertVersion(current.version, expected);
      const { version: _version, ...fields } = input;
      const { changed, changes, previous } = diff<ClientPatch>(current, fields);
      if (changed.ownerId !== undefined && !caller.isAdmin) {
        throw forbidden('Only an administrator reassigns a client.');
      }
      if (changed.isDeleted) {
        if (!caller.isAdmin && current.ownerId !== caller.userId) {
          throw forbidden('Only the client owner or an administrator deletes a client.');
        }
        if (await this.clients.hasLiveDeals(tx, id)) {
          throw new Conflict('The client still has deals; delete or move them first.', 'client_has_deals');
        }
      }
      if (Object.keys(changes).length === 0) return toClient(current);
      const row = await this.clients.update(tx, id, changed);
      await this.events.emit(tx, [
        {
          key: 'client.updated',
          subject: id,
          data: { clientId: id, changes, previous, updatedAt: row.updatedAt.toISOString(), actorId: caller.actorId },
        },
      ]);
      return toClient(row);
    });
  }

  /** Non-admins own what they create; admins may name anyone, or nobody. */
  private ownerFor(caller: Caller, requested: string | null | undefined): string | null {
    if (requested === undefined) return caller.userId;
    if (caller.isAdmin || requested === caller.userId) return requested;
    throw forbidden('Only an administrator assigns a client to someone else.');
  }
}
