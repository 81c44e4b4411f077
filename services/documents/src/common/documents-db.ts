import { Inject, Injectable } from '@nestjs/common';
import type { Database, OutboxRelay, Tx } from '@polis/db';
import { DATABASE, OUTBOX_RELAY } from '../documents.tokens.js';

/** Units of work on Documents' schema; a write wakes the outbox relay after its commit. */
@Injectable()
export class DocumentsDb {
  constructor(
    @Inject(DATABASE) readonly database: Database,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay,
  ) {}

  read<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.database.transaction(work);
  }

  async write<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const result = await this.database.transaction(work);
    this.relay.notify();
    return result;
  }
}
