import { Inject, Injectable } from '@nestjs/common';
import type { Database, OutboxRelay, Tx } from '@polis/db';
import { type SQL, sql } from 'drizzle-orm';
import type { CrmConfig } from '../crm.config.js';
import { CRM_CONFIG, DATABASE, OUTBOX_RELAY } from '../crm.tokens.js';
import type { Caller } from './caller.js';

/**
 * Units of work under the caller's identity: every transaction sets `app.user_id` / `app.roles`
 * and acts as the runtime role, so row-level security filters it whatever the query says.
 *
 * This is `withIdentity` of @polis/db in one statement instead of two: `set_config('role', …, true)`
 * is `SET LOCAL ROLE`, and a round trip less on every request is a tenth of a list request's time.
 */
@Injectable()
export class CrmDb {
  constructor(
    @Inject(DATABASE) readonly database: Database,
    @Inject(CRM_CONFIG) private readonly config: CrmConfig,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay,
  ) {}

  read<T>(caller: Caller, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.database.transaction(async (tx) => {
      await tx.execute(this.identity(caller));
      return work(tx);
    });
  }

  /** Like `read`; after the commit it wakes the outbox relay so the events go out now. */
  async write<T>(caller: Caller, work: (tx: Tx) => Promise<T>): Promise<T> {
    const result = await this.read(caller, work);
    this.relay.notify();
    return result;
  }

  /** Transaction-local settings (`is_local = true`): the pooled connection is clean after the commit. */
  private identity(caller: Caller): SQL {
    const { userId, roles } = caller.identity;
    const settings = sql`set_config('app.user_id', ${userId}, true), set_config('app.roles', ${roles.join(',')}, true)`;
    return this.config.dbRole === undefined
      ? sql`select ${settings}`
      : sql`select ${settings}, set_config('role', ${this.config.dbRole}, true)`;
  }
}
