import type { EventBus, OutgoingMessage } from '@polis/bus';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database, Executor } from './database.port.js';
import { type DbLogger, silentLogger } from './logger.js';
import { type OutboxTable, outboxTable } from './platform-tables.js';
import { queryRows } from './query-rows.js';
import { SerialQueue } from './serial-queue.js';

/** Events per INSERT statement: bounds the size of one JSON parameter. */
const INSERT_CHUNK = 1000;

/**
 * Writes events to `<schema>.outbox`. Call it with the transaction that makes the state change, so
 * the events exist exactly when the change does; the relay publishes them after commit.
 * The rows travel as one JSON array parameter that PostgreSQL unpacks in order: far cheaper than
 * binding four parameters per row, and `seq` follows the order of `messages`.
 */
export async function enqueueEvents(executor: Executor, schema: string, messages: OutgoingMessage[]): Promise<void> {
  const outbox = outboxTable(schema);
  for (let start = 0; start < messages.length; start += INSERT_CHUNK) {
    const rows = messages.slice(start, start + INSERT_CHUNK).map((message) => ({
      id: message.event.id,
      exchange: message.exchange,
      routingKey: message.routingKey,
      event: message.event,
    }));
    await executor.execute(
      sql`insert into ${outbox} (id, exchange, routing_key, event)
          select (row->>'id')::uuid, row->>'exchange', row->>'routingKey', row->'event'
          from jsonb_array_elements(${JSON.stringify(rows)}::jsonb) with ordinality as input(row, position)
          order by position`,
    );
  }
}

/** Deletes outbox rows published more than `olderThanMs` ago; answers how many. */
export async function purgePublishedEvents(executor: Executor, schema: string, olderThanMs: number): Promise<number> {
  const outbox = outboxTable(schema);
  const [row] = await queryRows<{ count: number }>(
    executor,
    sql`with deleted as (
      delete from ${outbox}
      where ${outbox.publishedAt} < now() - make_interval(secs => ${olderThanMs / 1000})
      returning 1
    ) select count(*)::int as count from deleted`,
  );
  return row?.count ?? 0;
}

export interface OutboxRelayOptions {
  db: Database;
  bus: EventBus;
  schema: string;
  /** Rows per publish. Default 500. */
  batchSize?: number;
  /** Idle polling interval; `notify()` cuts it short. Default 250 ms. */
  pollIntervalMs?: number;
  /**
   * After a `notify()`, how long the relay lingers so that the events of other commits join the
   * same batch. Services commit many small transactions; one relay cycle (claim, publish, confirm,
   * mark, commit) per commit would cost more than the commits themselves. Default 10 ms.
   */
  lingerMs?: number;
  /** Longest wait between retries while publishing fails (the wait doubles from `pollIntervalMs`). Default 30 s. */
  maxBackoffMs?: number;
  /** How long published rows are kept before the periodic purge deletes them. Default 1 h. */
  retentionMs?: number;
  /** How often the running relay purges. Default 5 min. */
  purgeIntervalMs?: number;
  /**
   * How many times one row may be refused on its own, while the broker answers and takes other
   * rows, before the relay parks it (`parked_at`) so that it stops holding back every event behind
   * it. Default 10. A broker outage never counts: then nothing is published and nothing is parked.
   */
  maxAttempts?: number;
  logger?: DbLogger;
}

/** What one relay pass did: rows that went out, and whether a refused row stopped it early. */
interface BatchOutcome {
  published: number;
  stalled: boolean;
}

class PublishFailure extends Error {
  constructor(
    readonly ids: string[],
    override readonly cause: unknown,
  ) {
    super(`publishing ${ids.length} outbox events failed: ${errorMessage(cause)}`);
  }
}

interface PendingRow {
  id: string;
  exchange: string;
  routingKey: string;
  event: OutgoingMessage['event'];
}

/**
 * PGlite has one session: a transaction held open while the broker confirms would stall every
 * other query of the embedded app (and deadlock if a consumer wrote to the database meanwhile).
 * Relays on PGlite therefore publish outside a transaction and take turns through this queue.
 */
const pgliteQueues = new WeakMap<Database, Map<string, SerialQueue>>();

function pgliteQueue(db: Database, schema: string): SerialQueue {
  let bySchema = pgliteQueues.get(db);
  if (!bySchema) {
    bySchema = new Map();
    pgliteQueues.set(db, bySchema);
  }
  let queue = bySchema.get(schema);
  if (!queue) {
    queue = new SerialQueue();
    bySchema.set(schema, queue);
  }
  return queue;
}

/**
 * Publishes `<schema>.outbox` rows to the bus, oldest first, at least once. On PostgreSQL each
 * batch is claimed with `FOR UPDATE SKIP LOCKED` inside a transaction that stays open until the
 * broker confirms, so several replicas share the work and never publish a row twice in one pass;
 * a crash or failed publish rolls back and the rows go out again later.
 */
export class OutboxRelay {
  private readonly db: Database;
  private readonly bus: EventBus;
  private readonly schema: string;
  private readonly outbox: OutboxTable;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly lingerMs: number;
  private readonly maxBackoffMs: number;
  private readonly retentionMs: number;
  private readonly purgeIntervalMs: number;
  private readonly maxAttempts: number;
  private readonly logger: DbLogger;
  private readonly queue: SerialQueue;

  private running = false;
  private loop: Promise<void> | undefined;
  private purgeTimer: NodeJS.Timeout | undefined;
  private notified = false;
  private wake: (() => void) | undefined;

  constructor(options: OutboxRelayOptions) {
    this.db = options.db;
    this.bus = options.bus;
    this.schema = options.schema;
    this.outbox = outboxTable(options.schema);
    this.batchSize = positive(options.batchSize ?? 500, 'batchSize');
    this.pollIntervalMs = positive(options.pollIntervalMs ?? 250, 'pollIntervalMs');
    this.lingerMs = Math.max(0, options.lingerMs ?? 10);
    this.maxBackoffMs = positive(options.maxBackoffMs ?? 30_000, 'maxBackoffMs');
    this.retentionMs = positive(options.retentionMs ?? 3_600_000, 'retentionMs');
    this.purgeIntervalMs = positive(options.purgeIntervalMs ?? 300_000, 'purgeIntervalMs');
    this.maxAttempts = positive(options.maxAttempts ?? 10, 'maxAttempts');
    this.logger = options.logger ?? silentLogger;
    this.queue = options.db.kind === 'pglite' ? pgliteQueue(options.db, options.schema) : new SerialQueue();
  }

  /** Starts polling in the background. */
  start(): void {
    if (this.loop) return;
    this.running = true;
    this.loop = this.runLoop();
    this.purgeTimer = setInterval(() => void this.purgeQuietly(), this.purgeIntervalMs);
    this.purgeTimer.unref();
  }

  /** Wakes the relay now; call it after committing a transaction that enqueued events. */
  notify(): void {
    this.notified = true;
    this.wake?.();
  }

  /**
   * Publishes everything pending now; answers how many rows went out. Publish errors propagate, and
   * so does a row the broker refuses (it is counted towards parking first).
   */
  async flush(): Promise<number> {
    let total = 0;
    for (;;) {
      const { published, stalled } = await this.queue.run(() => this.publishBatch());
      total += published;
      if (stalled) throw new Error(`outbox ${this.schema}: the broker refused a row; ${total} rows went out before it`);
      if (published < this.batchSize) return total;
    }
  }

  /** Stops polling, lets the batch in flight finish, then publishes what is still pending. */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.running = false;
    clearInterval(this.purgeTimer);
    this.purgeTimer = undefined;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    try {
      await this.flush();
    } catch (error) {
      this.logger.warn({ err: error, schema: this.schema }, 'outbox: final flush failed; rows stay for the next start');
    }
  }

  /** Deletes rows published more than `olderThanMs` ago (default: the retention); answers how many. */
  purgePublished(olderThanMs: number = this.retentionMs): Promise<number> {
    return purgePublishedEvents(this.db.drizzle, this.schema, olderThanMs);
  }

  private async runLoop(): Promise<void> {
    let failures = 0;
    while (this.running) {
      this.notified = false;
      let delay = this.pollIntervalMs;
      let wakeable = true;
      try {
        const { published, stalled } = await this.queue.run(() => this.publishBatch());
        if (stalled) {
          // A refused row: retry it with backoff (each retry counts towards parking it).
          failures += 1;
          delay = Math.min(this.pollIntervalMs * 2 ** (failures - 1), this.maxBackoffMs);
          wakeable = false;
        } else {
          failures = 0;
          if (published === this.batchSize) continue;
        }
      } catch (error) {
        failures += 1;
        delay = Math.min(this.pollIntervalMs * 2 ** (failures - 1), this.maxBackoffMs);
        // A broken broker must not be retried at the rate services commit.
        wakeable = false;
        this.logger.warn(
          { err: error, schema: this.schema, failures, retryInMs: delay },
          'outbox: relay cycle failed; retrying',
        );
      }
      await this.sleep(delay, wakeable);
      if (this.running && wakeable && this.lingerMs > 0) await this.sleep(this.lingerMs, false);
    }
  }

  /** Waits `ms`; `notify()` ends a wakeable wait early, `stop()` ends any. */
  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (!this.running || (wakeable && this.notified)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = () => {
        if (wakeable || !this.running) done();
      };
    });
  }

  private async publishBatch(): Promise<BatchOutcome> {
    try {
      return this.db.kind === 'pglite' ? await this.publishBatchUnlocked() : await this.publishBatchLocked();
    } catch (error) {
      if (error instanceof PublishFailure) await this.recordFailure(error);
      throw error;
    }
  }

  private publishBatchLocked(): Promise<BatchOutcome> {
    return this.db.transaction(async (tx) => {
      const rows = await this.selectPending(tx, true);
      return this.relayRows(tx, rows);
    });
  }

  private async publishBatchUnlocked(): Promise<BatchOutcome> {
    const rows = await this.selectPending(this.db.drizzle, false);
    return this.relayRows(this.db.drizzle, rows);
  }

  /**
   * Publishes the batch in one go. When the broker refuses it but still answers, one of the rows is
   * at fault: the rows then go one by one, in order, up to the refused one, which gets a strike
   * (and is parked at `maxAttempts`); the rows after it wait, keeping the order for the next pass.
   * When the broker does not answer, the failure propagates and nothing is counted against a row.
   */
  private async relayRows(executor: Executor, rows: PendingRow[]): Promise<BatchOutcome> {
    if (rows.length === 0) return { published: 0, stalled: false };
    try {
      await this.publish(rows);
    } catch (error) {
      if (!(await this.brokerAnswers())) throw error;
      const sent: PendingRow[] = [];
      for (const row of rows) {
        try {
          await this.publish([row]);
          sent.push(row);
        } catch (refusal) {
          await this.markPublished(executor, sent);
          await this.strike(executor, row, refusal);
          return { published: sent.length, stalled: true };
        }
      }
      await this.markPublished(executor, sent);
      return { published: sent.length, stalled: false };
    }
    await this.markPublished(executor, rows);
    return { published: rows.length, stalled: false };
  }

  private async brokerAnswers(): Promise<boolean> {
    try {
      await this.bus.ping();
      return true;
    } catch {
      return false;
    }
  }

  /** One more refusal of a row the broker would not take while it took others; parks it at the limit. */
  private async strike(executor: Executor, row: PendingRow, refusal: unknown): Promise<void> {
    const { outbox } = this;
    const cause = refusal instanceof PublishFailure ? refusal.cause : refusal;
    const [updated] = await executor
      .update(outbox)
      .set({
        attempts: sql`${outbox.attempts} + 1`,
        refusals: sql`${outbox.refusals} + 1`,
        lastError: errorMessage(cause).slice(0, 2000),
        parkedAt: sql`case when ${outbox.refusals} + 1 >= ${this.maxAttempts} then now() end`,
      })
      .where(eq(outbox.id, row.id))
      .returning({ refusals: outbox.refusals, parkedAt: outbox.parkedAt });
    const context = { schema: this.schema, eventId: row.id, routingKey: row.routingKey, err: cause };
    if (updated?.parkedAt) {
      this.logger.error(
        { ...context, refusals: updated.refusals },
        'outbox: the broker keeps refusing this event; parked it (set parked_at to null to retry)',
      );
    } else {
      this.logger.warn({ ...context, refusals: updated?.refusals }, 'outbox: the broker refused one event');
    }
  }

  private selectPending(executor: Executor, lock: boolean): Promise<PendingRow[]> {
    const { outbox } = this;
    const query = executor
      .select({ id: outbox.id, exchange: outbox.exchange, routingKey: outbox.routingKey, event: outbox.event })
      .from(outbox)
      .where(and(isNull(outbox.publishedAt), isNull(outbox.parkedAt)))
      .orderBy(asc(outbox.createdAt), asc(outbox.seq))
      .limit(this.batchSize);
    return lock ? query.for('update', { skipLocked: true }) : query;
  }

  private async publish(rows: PendingRow[]): Promise<void> {
    try {
      await this.bus.publish(rows.map(({ exchange, routingKey, event }) => ({ exchange, routingKey, event })));
    } catch (error) {
      throw new PublishFailure(
        rows.map((row) => row.id),
        error,
      );
    }
  }

  private async markPublished(executor: Executor, rows: PendingRow[]): Promise<void> {
    if (rows.length === 0) return;
    const { outbox } = this;
    const ids = JSON.stringify(rows.map((row) => row.id));
    await executor.execute(
      sql`update ${outbox} set published_at = now(), attempts = attempts + 1
          where id in (select value::uuid from jsonb_array_elements_text(${ids}::jsonb))`,
    );
  }

  /** Runs after the batch's transaction rolled back, so the count survives the failure. */
  private async recordFailure(failure: PublishFailure): Promise<void> {
    const { outbox } = this;
    try {
      await this.db.drizzle
        .update(outbox)
        .set({ attempts: sql`${outbox.attempts} + 1`, lastError: errorMessage(failure.cause).slice(0, 2000) })
        .where(inArray(outbox.id, failure.ids));
    } catch (error) {
      this.logger.error({ err: error, schema: this.schema }, 'outbox: could not record a publish failure');
    }
  }

  private async purgeQuietly(): Promise<void> {
    try {
      const purged = await this.purgePublished();
      if (purged > 0) this.logger.info({ schema: this.schema, purged }, 'outbox: purged published rows');
    } catch (error) {
      this.logger.warn({ err: error, schema: this.schema }, 'outbox: purge failed');
    }
  }
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`OutboxRelay: ${name} must be a positive number`);
  return value;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
