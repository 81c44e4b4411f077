import type { Database, Tx } from './database.port.js';
import { processedEventsTable } from './platform-tables.js';

export interface ApplyOnceOptions {
  schema: string;
  /** Names the consumer (usually its queue): one event may be applied once per consumer. */
  consumer: string;
  eventId: string;
}

/**
 * Runs `effect` for an event unless this consumer already applied it, recording the event id in
 * `<schema>.processed_events` in the same transaction as the effect. Answers false for a duplicate
 * (the effect did not run). If the effect throws, nothing is recorded, so a redelivery retries.
 * A concurrent duplicate waits on the first one's row lock and then sees it recorded.
 */
export function applyOnce(
  db: Database,
  options: ApplyOnceOptions,
  effect: (tx: Tx) => Promise<void>,
): Promise<boolean> {
  const processed = processedEventsTable(options.schema);
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(processed)
      .values({ consumer: options.consumer, eventId: options.eventId })
      .onConflictDoNothing()
      .returning({ eventId: processed.eventId });
    if (inserted.length === 0) return false;
    await effect(tx);
    return true;
  });
}
