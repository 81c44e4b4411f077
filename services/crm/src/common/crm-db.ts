import { Inject, Injectable } from '@nestjs/common';
import { type Database, type OutboxRelay, type Tx, withIdentity } from '@polis/db';
import type { CrmConfig } from '../crm.config.js';
import { CRM_CONFIG, DATABASE, OUTBOX_RELAY } from '../crm.tokens.js';
import type { Caller } from './caller.js';

/**
 * Units of work under the caller's identity: every transaction sets `app.user_id` / `app.roles`
 * and acts as the runtime role, so row-level security filters it whatever the query says.
 */
@Injectable()
export class CrmDb {
  constructor(
    @Inject(DATABASE) readonly database: Database,
    @Inject(CRM_CONFIG) private readonly config: CrmConfig,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay,
  ) {}

  read<T>(caller: Caller, work: (tx: Tx) => Promise<T>): Promise<T> {
    return withIdentity(
      this.database,
      caller.identity,
      work,
      this.config.dbRole === undefined ? {} : { role: this.config.dbRole },
    );
  }

  /** Like `read`; after the commit it wakes the outbox relay so the events go out now. */
  async write<T>(caller: Caller, work: (tx: Tx) => Promise<T>): Promise<T> {
    const result = await this.read(caller, work);
    this.relay.notify();
    return result;
  }
}
