import { randomUUID } from 'node:crypto';
import type { Cache } from '@polis/cache';
import { SYSTEM_USER_ID } from '@polis/contracts';
import { type Database, type Executor, type OutboxRelay, queryRows, setTransactionIdentity, type Tx } from '@polis/db';
import type { Logger } from '@polis/platform';
import { addDays, type Clock } from '@polis/platform';
import { Cron } from 'croner';
import { and, eq, gte, lte, sql } from 'drizzle-orm';
import { SYSTEM_CALLER } from '../common/caller.js';
import { crmPayments, crmPolicies, ruleScans, type TaskRow, tasks } from '../db/schema.js';
import { emitTaskEvents, type TaskEvent } from '../events/task.events.js';
import { ProjectionRepository } from '../projection/projection.repository.js';
import { createdEvent } from '../tasks/task.service.js';
import { type Anchor, hitsFor, OFFSET_REACH, type Responsible, type RuleHit, ruleKeyOf } from './rules.js';

export interface AutomationOptions {
  db: Database;
  cache: Cache;
  relay: OutboxRelay;
  clock: Clock;
  logger: Logger;
  exchange: string;
  dbRole?: string;
  timeZone: string;
  cron: string;
  escalationAfterMs: number;
  mainAdminUserId: string | null;
}

const SCAN = 'daily';
const SCAN_LOCK = 'locks:tasks-rules-scan';
/** A scan never reaches further back than this, however long the service was down. */
const MAX_CATCH_UP_DAYS = 31;

/**
 * Runs the reminder rules (./rules.ts): a daily scan over the projection (croner, one replica per
 * tick through a cache lock) and the same rules for one record when CRM tells of a change; plus
 * the 24-hour escalation of generated tasks still open.
 */
export class AutomationService {
  private readonly projection = new ProjectionRepository();
  private cron: Cron | undefined;

  constructor(private readonly options: AutomationOptions) {}

  start(): void {
    this.cron = new Cron(
      this.options.cron,
      { timezone: this.options.timeZone, protect: true },
      () => void this.scheduledScan(),
    );
  }

  stop(): void {
    this.cron?.stop();
    this.cron = undefined;
  }

  identify(tx: Tx): Promise<void> {
    return setTransactionIdentity(
      tx,
      SYSTEM_CALLER.identity,
      this.options.dbRole === undefined ? {} : { role: this.options.dbRole },
    );
  }

  /** The cron tick: only the replica that takes the lock scans. */
  async scheduledScan(): Promise<number> {
    const { cache, logger } = this.options;
    try {
      const taken = await cache.set(SCAN_LOCK, randomUUID(), { ttlMs: 10 * 60_000, onlyIfAbsent: true });
      if (!taken) return 0;
      const created = await this.scan();
      logger.info({ created }, 'task rules: daily scan done');
      return created;
    } catch (error) {
      logger.error({ err: error }, 'task rules: daily scan failed');
      return 0;
    }
  }

  /**
   * Creates the rule tasks due on every day since the last scan up to `today` (the agency's date),
   * then remembers `today`. Idempotent: a task per rule key is created once.
   */
  async scan(today: string = this.options.clock.today()): Promise<number> {
    const created = await this.options.db.transaction(async (tx) => {
      await this.identify(tx);
      const [last] = await tx.select().from(ruleScans).where(eq(ruleScans.scan, SCAN)).for('update');
      const floor = addDays(today, -MAX_CATCH_UP_DAYS);
      let after = last?.lastDay ?? addDays(today, -1);
      if (after < floor) after = floor;
      if (after >= today) return [];
      const anchors = await this.anchorsAround(
        tx,
        addDays(after, 1 - OFFSET_REACH.after),
        addDays(today, OFFSET_REACH.before),
      );
      const hits = anchors.flatMap((anchor) => hitsFor(anchor, after, today));
      const rows = await this.createTasks(tx, hits);
      await tx
        .insert(ruleScans)
        .values({ scan: SCAN, lastDay: today })
        .onConflictDoUpdate({ target: ruleScans.scan, set: { lastDay: today, updatedAt: sql`now()` } });
      return rows;
    });
    if (created.length > 0) this.options.relay.notify();
    return created.length;
  }

  /** The rules for one record CRM just told about: tasks whose day is today. */
  async evaluate(tx: Executor, anchor: Anchor): Promise<TaskRow[]> {
    const today = this.options.clock.today();
    return this.createTasks(tx, hitsFor(anchor, addDays(today, -1), today));
  }

  /** Generated tasks still without a result `escalationAfterMs` after creation go to the main admin. */
  async escalate(): Promise<number> {
    const now = this.options.clock.now();
    const cutoff = new Date(now.getTime() - this.options.escalationAfterMs);
    const admin = this.options.mainAdminUserId;
    const escalated = await this.options.db.transaction(async (tx) => {
      await this.identify(tx);
      const rows = await tx
        .update(tasks)
        .set({ escalatedAt: now, updatedAt: sql`now()` })
        .where(
          sql`${tasks.ruleKey} is not null and ${tasks.escalatedAt} is null
              and ${tasks.statusCode} in ('pending', 'in_progress', 'scheduled') and ${tasks.createdAt} <= ${cutoff}`,
        )
        .returning();
      if (rows.length === 0) return rows;
      const reason = 'no result within 24 hours';
      await tx.execute(
        sql`insert into tasks.task_activity (id, task_id, author_id, event_type, body, payload)
            select gen_random_uuid(), value::uuid, null, 'escalated', ${reason}, ${JSON.stringify({ escalatedToId: admin })}::jsonb
            from jsonb_array_elements_text(${JSON.stringify(rows.map((row) => row.id))}::jsonb)`,
      );
      await emitTaskEvents(
        tx,
        this.options.exchange,
        rows.map(
          (row): TaskEvent => ({
            key: 'task.escalated',
            subject: row.id,
            data: {
              taskId: row.id,
              escalatedToId: admin,
              assigneeId: row.assigneeId,
              ruleKey: row.ruleKey,
              reason,
              escalatedAt: now.toISOString(),
              dealId: row.dealId,
            },
          }),
        ),
      );
      return rows;
    });
    if (escalated.length > 0) {
      if (admin === null) this.options.logger.warn('task escalations have no main admin (TASKS_MAIN_ADMIN_USER_ID)');
      this.options.relay.notify();
    }
    return escalated.length;
  }

  private async anchorsAround(tx: Executor, from: string, until: string): Promise<Anchor[]> {
    const payments = await tx
      .select()
      .from(crmPayments)
      .where(
        and(eq(crmPayments.isDeleted, false), gte(crmPayments.plannedDate, from), lte(crmPayments.plannedDate, until)),
      );
    const policies = await tx
      .select()
      .from(crmPolicies)
      .where(
        and(eq(crmPolicies.isDeleted, false), gte(crmPolicies.effectiveTo, from), lte(crmPolicies.effectiveTo, until)),
      );
    return [
      ...payments.map(
        (row): Anchor => ({
          kind: 'payment',
          paymentId: row.paymentId,
          dealId: row.dealId,
          policyId: row.policyId,
          sequence: row.sequence,
          status: row.status,
          plannedDate: row.plannedDate,
          plannedAmount: row.plannedAmount,
          currency: row.currency,
          actualDate: row.actualDate,
        }),
      ),
      ...policies.map(
        (row): Anchor => ({
          kind: 'policy',
          policyId: row.policyId,
          dealId: row.dealId,
          clientId: row.clientId,
          policyNumber: row.policyNumber,
          status: row.status,
          effectiveTo: row.effectiveTo,
        }),
      ),
    ];
  }

  /** One task per hit and responsible person, unless its rule key exists already. */
  private async createTasks(tx: Executor, hits: RuleHit[]): Promise<TaskRow[]> {
    const created: TaskRow[] = [];
    for (const hit of hits) {
      const dealId = hit.anchor.dealId;
      const team = dealId ? await this.projection.team(tx, dealId) : undefined;
      const clientId =
        hit.anchor.kind === 'policy' ? hit.anchor.clientId : dealId ? await this.clientOf(tx, dealId) : null;
      for (const role of hit.rule.responsible(hit.offset)) {
        const assigneeId = this.assigneeFor(role, team);
        if (assigneeId === null) {
          this.options.logger.warn({ rule: hit.rule.id, role, dealId }, 'task rules: nobody to assign; skipped');
          continue;
        }
        const dueDay = hit.offset <= 0 ? hit.anchorDate : addDays(hit.day, 1);
        const row = await tx
          .insert(tasks)
          .values({
            id: randomUUID(),
            title: hit.rule.title(hit.anchor, hit.offset).slice(0, 255),
            description: hit.rule.description(hit.anchor, hit.offset, role),
            statusCode: 'pending',
            dueAt: new Date(`${dueDay}T00:00:00Z`),
            assigneeId,
            authorId: SYSTEM_USER_ID,
            dealId,
            policyId: hit.anchor.policyId,
            paymentId: hit.anchor.kind === 'payment' ? hit.anchor.paymentId : null,
            clientId,
            priority: hit.rule.priority,
            payload: {
              priority: hit.rule.priority,
              rule: { id: hit.rule.id, offset: hit.offset, role, anchorDate: hit.anchorDate, day: hit.day },
              context: {
                dealId,
                policyId: hit.anchor.policyId,
                paymentId: hit.anchor.kind === 'payment' ? hit.anchor.paymentId : null,
                clientId,
              },
            },
            ruleKey: ruleKeyOf(hit, role),
          })
          .onConflictDoNothing({ target: tasks.ruleKey })
          .returning();
        const task = row[0];
        if (!task) continue;
        await tx.execute(
          sql`insert into tasks.task_activity (id, task_id, author_id, event_type, payload)
              values (${randomUUID()}, ${task.id}, null, 'created', ${JSON.stringify({ status: 'pending', rule: hit.rule.id })}::jsonb)`,
        );
        await emitTaskEvents(tx, this.options.exchange, [createdEvent(task)]);
        created.push(task);
      }
    }
    return created;
  }

  private assigneeFor(
    role: Responsible,
    team: { ownerId: string | null; members: string[] } | undefined,
  ): string | null {
    const admin = this.options.mainAdminUserId;
    if (role === 'mainAdmin') return admin;
    if (role === 'seller') return team?.ownerId ?? admin;
    const executor = team?.members.find((member) => member !== team.ownerId);
    return executor ?? admin;
  }

  private async clientOf(tx: Executor, dealId: string): Promise<string | null> {
    const [row] = await queryRows<{ client_id: string | null }>(
      tx,
      sql`select client_id from tasks.crm_deals where deal_id = ${dealId}`,
    );
    return row?.client_id ?? null;
  }
}
