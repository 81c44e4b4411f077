import { sql } from 'drizzle-orm';
import type { Database, Tx } from './database.port.js';
import { processedEventsTable } from './platform-tables.js';
import { applyOnce } from './processed-events.js';
import { queryRows } from './query-rows.js';

export interface GroupedApplierOptions {
  schema: string;
  /** Names the consumer (usually its queue): one event may be applied once per consumer. */
  consumer: string;
  /** Most events committed in one transaction. Default 100. */
  maxBatch?: number;
  /** Transactions open at once. Default 4 (PGlite runs them one after another anyway). */
  maxConcurrent?: number;
}

interface Pending {
  eventId: string;
  effect: (tx: Tx) => Promise<void>;
  resolve: (applied: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for idempotent consumers. A consumer with prefetch N runs up to N handlers at once;
 * instead of one transaction (and one fsync) per event, the calls that arrive together share one
 * transaction: every event id is recorded in `processed_events` by one insert, each fresh event's
 * effect runs in turn, and each caller's promise settles only after the commit — so a message is
 * acknowledged only once its effect is durable, exactly as with `applyOnce`. When an effect throws,
 * the group rolls back and each of its events is applied on its own (`applyOnce`), so only the
 * failing one is rejected and retried by the bus. Effects share the transaction, so they must not
 * change its settings (`SET LOCAL`, `set_config(..., true)`, `SET LOCAL ROLE`): the next effect of
 * the group would inherit them. Consumers that act as a user use `applyOnce` instead.
 */
export class GroupedApplier {
  private readonly processed;
  private readonly maxBatch: number;
  private readonly maxConcurrent: number;
  private pending: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly db: Database,
    private readonly options: GroupedApplierOptions,
  ) {
    this.processed = processedEventsTable(options.schema);
    this.maxBatch = Math.max(1, options.maxBatch ?? 100);
    this.maxConcurrent = Math.max(1, options.maxConcurrent ?? 4);
  }

  /** Same contract as `applyOnce`: true when the effect ran and committed, false for a duplicate. */
  apply(eventId: string, effect: (tx: Tx) => Promise<void>): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.pending.push({ eventId, effect, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.pending.length === 0 || this.inFlight >= this.maxConcurrent) return;
    this.scheduled = true;
    // Let the handlers woken by the same burst of deliveries join this group.
    setImmediate(() => {
      this.scheduled = false;
      this.startGroup();
    });
  }

  private startGroup(): void {
    if (this.pending.length === 0 || this.inFlight >= this.maxConcurrent) return;
    const group = this.pending.splice(0, this.maxBatch);
    this.inFlight += 1;
    void this.commit(group).finally(() => {
      this.inFlight -= 1;
      this.schedule();
    });
    this.schedule();
  }

  private async commit(group: Pending[]): Promise<void> {
    let outcomes: Map<Pending, boolean>;
    try {
      outcomes = await this.commitTogether(group);
    } catch {
      // One effect (or the commit) failed and the whole group rolled back: apply each event on
      // its own, so only the failing one is rejected (and redelivered by the bus).
      await Promise.all(
        group.map((item) =>
          applyOnce(this.db, { ...this.options, eventId: item.eventId }, item.effect).then(item.resolve, item.reject),
        ),
      );
      return;
    }
    for (const item of group) item.resolve(outcomes.get(item) ?? false);
  }

  /** One insert for every id, then each fresh event's effect, then one commit. */
  private commitTogether(group: Pending[]): Promise<Map<Pending, boolean>> {
    return this.db.transaction(async (tx) => {
      // Sorted, so two concurrent groups lock shared ids in the same order (no deadlock).
      const ids = [...new Set(group.map((item) => item.eventId))].sort();
      // One JSON array parameter instead of two bound parameters per id.
      const inserted = await queryRows<{ event_id: string }>(
        tx,
        sql`insert into ${this.processed} (consumer, event_id)
            select ${this.options.consumer}, value::uuid from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)
            on conflict do nothing
            returning event_id`,
      );
      const fresh = new Set(inserted.map((row) => row.event_id));
      const outcomes = new Map<Pending, boolean>();
      for (const item of group) {
        // False for a duplicate inside the group, or an event another transaction already applied.
        const isFresh = fresh.delete(item.eventId);
        if (isFresh) await item.effect(tx);
        outcomes.set(item, isFresh);
      }
      return outcomes;
    });
  }
}
