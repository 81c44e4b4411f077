import { Inject, Injectable } from '@nestjs/common';
import {
  type Database,
  type IdentityOptions,
  type OutboxRelay,
  setTransactionIdentity,
  type Tx,
  withIdentity,
} from '@polis/db';
import type { TasksConfig } from '../tasks.config.js';
import { DATABASE, OUTBOX_RELAY, TASKS_CONFIG } from '../tasks.tokens.js';
import type { Caller } from './caller.js';

/**
 * Units of work under the caller's identity: every transaction sets `app.user_id` / `app.roles`
 * and acts as the runtime role, so row-level security filters it whatever the query says.
 */
@Injectable()
export class TasksDb {
  constructor(
    @Inject(DATABASE) readonly database: Database,
    @Inject(TASKS_CONFIG) private readonly config: TasksConfig,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay,
  ) {}

  /** Applies the caller's identity to a transaction opened elsewhere (e.g. by `applyOnce`). */
  identify(tx: Tx, caller: Caller): Promise<void> {
    return setTransactionIdentity(tx, caller.identity, this.options());
  }

  read<T>(caller: Caller, work: (tx: Tx) => Promise<T>): Promise<T> {
    return withIdentity(this.database, caller.identity, work, this.options());
  }

  private options(): IdentityOptions {
    return this.config.dbRole === undefined ? {} : { role: this.config.dbRole };
  }

  /** Like `read`; after the commit it wakes the outbox relay so the events go out now. */
  async write<T>(caller: Caller, work: (tx: Tx) => Promise<T>): Promise<T> {
    const result = await this.read(caller, work);
    this.relay.notify();
    return result;
  }

  notifyRelay(): void {
    this.relay.notify();
  }
}
