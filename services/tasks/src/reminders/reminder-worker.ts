import { type Database, type OutboxRelay, queryRows, setTransactionIdentity, type Tx } from '@polis/db';
import type { Logger } from '@polis/platform';
import { type Clock } from '@polis/platform';
import { sql } from 'drizzle-orm';
import { SYSTEM_CALLER } from '../common/caller.js';
import { type TaskRow, tasks } from '../db/schema.js';
import { emitTaskEvents, type TaskEvent } from '../events/task.events.js';
import { statusChangedEvent } from '../tasks/task.service.js';
import { type DelayedQueue, itemOf, memberOf } from './delayed-queue.js';

export interface ReminderWorkerOptions {
  db: Database;
  queue: DelayedQueue;
  relay: OutboxRelay;
  clock: Clock;
  logger: Logger;
  exchange: string;
  dbRole?: string;
  pollIntervalMs: number;
  batchSize: number;
  rebuildIntervalMs: number;
  /** Runs after every rebuild (the escalation check rides on the same beat). */
  onBeat?: () => Promise<void>;
  /** Names the worker in logs (several may run at once). */
  name?: string;
}

interface FiredRow {
  id: string;
  task_id: string;
  remind_at: string | Date;
  channel: 'sse' | 'telegram';
  assignee_id: string;
  author_id: string;
  title: string;
  deal_id: string | null;
  status_code: string;
}

const iso = (value: string | Date): string => new Date(value).toISOString();

/**
 * Moves due work out of the delayed index: fires reminders (`task.reminder`) and activates
 * scheduled tasks. Workers claim index entries by removing them, so several split the work; the
 * database decides what happens: a reminder fires in the transaction that sets its `fired_at`
 * (only where it is still null) and writes the outbox event, so no reminder fires twice. A pass
 * that fails puts its entries back; a worker killed mid-way loses nothing either, because the
 * rebuild (on start and every `rebuildIntervalMs`) re-indexes every row still unfired, which then
 * fires late rather than never.
 */
export class ReminderWorker {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastRebuild = 0;

  constructor(private readonly options: ReminderWorkerOptions) {}

  start(): void {
    if (this.loop) return;
    this.running = true;
    this.lastRebuild = 0;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  /** One pass over the due entries; answers how many index entries it looked at. */
  async tick(): Promise<number> {
    const { queue, batchSize } = this.options;
    const now = this.options.clock.now();
    const due = await queue.due(now.getTime(), batchSize);
    if (due.length === 0) return 0;
    // Each entry is claimed by removing it (only one worker removes it), so workers split the
    // work instead of racing for the same rows; the database still arbitrates each reminder.
    const claimed = await queue.claim(due);
    try {
      await this.process(claimed, now);
    } catch (error) {
      // Nothing committed: put the claimed entries back for the next pass (a crash instead
      // leaves them to the rebuild, which finds the rows still unfired).
      await queue.put(claimed);
      throw error;
    }
    this.options.relay.notify();
    return due.length;
  }

  private async process(claimed: Array<{ member: string; score: number }>, now: Date): Promise<void> {
    const reminderIds: string[] = [];
    const activationIds: string[] = [];
    for (const entry of claimed) {
      const item = itemOf(entry.member);
      if (item?.kind === 'reminder') reminderIds.push(item.id);
      else if (item?.kind === 'activation') activationIds.push(item.id);
    }
    const back: Array<{ member: string; score: number }> = [];
    if (reminderIds.length > 0) {
      // Still unfired: locked by another transaction, or not quite due (the index rounds to ms).
      const unfired = await this.fire(reminderIds, now);
      for (const [id, score] of unfired) back.push({ member: memberOf({ kind: 'reminder', id }), score });
    }
    if (activationIds.length > 0) {
      const { later } = await this.activate(activationIds, now);
      for (const { id, at } of later) back.push({ member: memberOf({ kind: 'activation', id }), score: at });
    }
    await this.options.queue.put(back);
  }

  /** Re-indexes unfired reminders and scheduled tasks due before the next rebuild (idempotent). */
  async rebuild(): Promise<number> {
    const horizon = new Date(this.options.clock.now().getTime() + 2 * this.options.rebuildIntervalMs);
    const rows = await this.options.db.transaction(async (tx) => {
      await this.identify(tx);
      const reminders = await queryRows<{ id: string; at: string | Date }>(
        tx,
        sql`select id, remind_at as at from tasks.task_reminders where fired_at is null and remind_at <= ${horizon}`,
      );
      const activations = await queryRows<{ id: string; at: string | Date }>(
        tx,
        sql`select id, scheduled_for as at from tasks.tasks
            where status_code = 'scheduled' and scheduled_for is not null and scheduled_for <= ${horizon}`,
      );
      return [
        ...reminders.map((row) => ({
          member: memberOf({ kind: 'reminder', id: row.id }),
          score: new Date(row.at).getTime(),
        })),
        ...activations.map((row) => ({
          member: memberOf({ kind: 'activation', id: row.id }),
          score: new Date(row.at).getTime(),
        })),
      ];
    });
    for (let start = 0; start < rows.length; start += 1000) {
      await this.options.queue.put(rows.slice(start, start + 1000));
    }
    return rows.length;
  }

  private async run(): Promise<void> {
    const { logger, pollIntervalMs, rebuildIntervalMs, batchSize } = this.options;
    while (this.running) {
      let delay = pollIntervalMs;
      try {
        if (Date.now() - this.lastRebuild >= rebuildIntervalMs) {
          this.lastRebuild = Date.now();
          await this.rebuild();
          await this.options.onBeat?.();
        }
        const seen = await this.tick();
        if (seen >= batchSize) delay = 0;
      } catch (error) {
        logger.warn({ err: error, worker: this.options.name }, 'task worker pass failed; retrying');
      }
      if (delay > 0) await this.sleep(delay);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private identify(tx: Tx): Promise<void> {
    return setTransactionIdentity(
      tx,
      SYSTEM_CALLER.identity,
      this.options.dbRole === undefined ? {} : { role: this.options.dbRole },
    );
  }

  /**
   * Fires the reminders among `ids` that are due and unfired; answers those still unfired
   * afterwards, with their due time (epoch ms, rounded up), to stay in the index.
   */
  private async fire(ids: string[], now: Date): Promise<Map<string, number>> {
    const list = JSON.stringify(ids);
    return this.options.db.transaction(async (tx) => {
      await this.identify(tx);
      const fired = await queryRows<FiredRow>(
        tx,
        sql`with claimed as (
              select r.id from tasks.task_reminders r
              where r.id in (select value::uuid from jsonb_array_elements_text(${list}::jsonb))
                and r.fired_at is null and r.remind_at <= ${now}
              order by r.id
              for update skip locked
            )
            update tasks.task_reminders r set fired_at = now()
            from claimed c, tasks.tasks t
            where r.id = c.id and t.id = r.task_id
            returning r.id, r.task_id, r.remind_at, r.channel, t.assignee_id, t.author_id, t.title, t.deal_id, t.status_code`,
      );
      // A reminder of a completed or cancelled task is dropped without a notice.
      const events: TaskEvent[] = fired
        .filter((row) => row.status_code !== 'completed' && row.status_code !== 'cancelled')
        .map((row) => ({
          key: 'task.reminder',
          subject: row.task_id,
          data: {
            taskId: row.task_id,
            reminderId: row.id,
            remindAt: iso(row.remind_at),
            channel: row.channel,
            assigneeId: row.assignee_id,
            authorId: row.author_id,
            subject: row.title,
            dealId: row.deal_id,
          },
        }));
      await emitTaskEvents(tx, this.options.exchange, events);
      const waiting = await queryRows<{ id: string; score: string | number }>(
        tx,
        sql`select id, ceil(extract(epoch from remind_at) * 1000)::bigint as score from tasks.task_reminders
            where id in (select value::uuid from jsonb_array_elements_text(${list}::jsonb)) and fired_at is null`,
      );
      const firedIds = new Set(fired.map((row) => row.id));
      return new Map(waiting.filter((row) => !firedIds.has(row.id)).map((row) => [row.id, Number(row.score)] as const));
    });
  }

  /** Scheduled tasks whose time has come go back to pending (domain.md §3.5, "dequeued"). */
  private async activate(ids: string[], now: Date): Promise<{ later: Array<{ id: string; at: number }> }> {
    const list = JSON.stringify(ids);
    return this.options.db.transaction(async (tx) => {
      await this.identify(tx);
      const activated = await tx
        .update(tasks)
        .set({ statusCode: 'pending', scheduledFor: null, updatedAt: sql`now()` })
        .where(
          sql`${tasks.id} in (select value::uuid from jsonb_array_elements_text(${list}::jsonb))
              and ${tasks.statusCode} = 'scheduled' and ${tasks.scheduledFor} <= ${now}`,
        )
        .returning();
      if (activated.length > 0) {
        await tx.execute(
          sql`insert into tasks.task_activity (id, task_id, author_id, event_type, payload)
              select gen_random_uuid(), value::uuid, null, 'status_changed', '{"from":"scheduled","to":"pending","by":"worker"}'::jsonb
              from jsonb_array_elements_text(${JSON.stringify(activated.map((row) => row.id))}::jsonb)`,
        );
        await emitTaskEvents(
          tx,
          this.options.exchange,
          activated.map((row: TaskRow) => statusChangedEvent('scheduled', row, null)),
        );
      }
      const still = await queryRows<{ id: string; at: string | Date }>(
        tx,
        sql`select id, scheduled_for as at from tasks.tasks
            where id in (select value::uuid from jsonb_array_elements_text(${list}::jsonb))
              and status_code = 'scheduled' and scheduled_for > ${now}`,
      );
      return { later: still.map((row) => ({ id: row.id, at: new Date(row.at).getTime() })) };
    });
  }
}
