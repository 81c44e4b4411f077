import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  type ParsedCreateTaskRequest,
  type ParsedTasksQuery,
  type ParsedUpdateTaskRequest,
  type Reminder,
  type ReminderChannel,
  SYSTEM_USER_ID,
  type Task,
  type TaskActivity,
  type TaskStatus,
} from '@polis/contracts';
import { isUniqueViolation, type Tx } from '@polis/db';
import { type Clock, Conflict, NotFound } from '@polis/platform';
import { amendmentReminderTimes } from '../automation/rules.js';
import { type Caller, SYSTEM_CALLER } from '../common/caller.js';
import { forbidden, invalid, invalidTransition, taskNotFound } from '../common/errors.js';
import { TasksDb } from '../common/tasks-db.js';
import type { CrmClient } from '../crm/crm-client.js';
import type { TaskRow, tasks } from '../db/schema.js';
import { type TaskEvent, TaskEvents } from '../events/task.events.js';
import { ProjectionRepository } from '../projection/projection.repository.js';
import type { DelayedItem, DelayedQueue } from '../reminders/delayed-queue.js';
import { CLOCK, CRM_CLIENT, DELAYED_QUEUE } from '../tasks.tokens.js';
import { type NewActivity, type TaskFilters, TaskRepository } from './task.repository.js';
import { toActivity, toReminder, toTask } from './task.view.js';
import { canTransition, isFinal, mayTransition, rolesOn } from './task-rules.js';

interface ResolvedContext {
  dealId: string | null;
  policyId: string | null;
  paymentId: string | null;
  clientId: string | null;
  dealOwnerId: string | null;
  dealTitle: string | null;
  /** The deal team as CRM answered it (empty when not asked). */
  team: string[];
}

/** Use cases of the task API (interfaces.md §1.3, domain.md §3.5). */
@Injectable()
export class TaskService {
  constructor(
    private readonly db: TasksDb,
    private readonly repository: TaskRepository,
    private readonly projection: ProjectionRepository,
    private readonly events: TaskEvents,
    @Inject(CRM_CLIENT) private readonly crm: CrmClient,
    @Inject(DELAYED_QUEUE) private readonly queue: DelayedQueue,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(caller: Caller, input: ParsedCreateTaskRequest): Promise<Task> {
    const authorId = caller.isService ? (input.authorId ?? SYSTEM_USER_ID) : caller.userId;
    if (authorId === null) throw forbidden('Only people and services create tasks.');
    const context = await this.resolveContext(caller, input.context ?? {});
    if (context.dealId !== null && !caller.isAdmin && context.dealOwnerId !== caller.userId) {
      throw forbidden('Only the deal lead or an administrator sets tasks on a deal.');
    }
    await this.joinDealTeam(caller, context, input.assigneeId);

    const now = this.clock.now();
    const scheduledFor = input.scheduledFor ? new Date(input.scheduledFor) : null;
    const deferred = scheduledFor !== null && scheduledFor.getTime() > now.getTime();
    const status: TaskStatus = deferred ? 'scheduled' : (input.initialStatus ?? 'pending');
    const dueAt = input.dueDate ? new Date(input.dueDate) : null;
    const payload: Record<string, unknown> = { ...input.payload, priority: input.priority };
    const extraContext = Object.fromEntries(
      Object.entries(input.context ?? {}).filter(
        ([key]) => !['dealId', 'policyId', 'paymentId', 'clientId'].includes(key),
      ),
    );
    payload.context = {
      ...extraContext,
      dealId: context.dealId,
      policyId: context.policyId,
      paymentId: context.paymentId,
      clientId: context.clientId,
    };

    const { row, reminders } = await this.db.write(caller, async (tx) => {
      const created = await this.repository.insert(tx, {
        id: randomUUID(),
        title: input.subject,
        description: input.description,
        statusCode: status,
        dueAt,
        scheduledFor: deferred ? scheduledFor : null,
        assigneeId: input.assigneeId,
        authorId,
        dealId: context.dealId,
        policyId: context.policyId,
        paymentId: context.paymentId,
        clientId: context.clientId,
        priority: input.priority,
        payload,
      });
      await this.repository.addActivity(tx, [
        {
          taskId: created.id,
          authorId: caller.userId,
          eventType: 'created',
          payload: { status, assigneeId: created.assigneeId },
        },
      ]);
      // The amendment rule (domain.md §4, §7): the manual task holds the change date; remind 5 days before.
      const amendmentTimes = amendmentReminderTimes(payload, dueAt, now);
      const reminderRows = await this.repository.insertReminders(
        tx,
        amendmentTimes.flatMap((at) =>
          (['sse', 'telegram'] as const).map((channel) => ({
            id: randomUUID(),
            taskId: created.id,
            remindAt: at,
            channel,
          })),
        ),
      );
      await this.events.emit(tx, [createdEvent(created)]);
      return { row: created, reminders: reminderRows };
    });
    const work: Array<{ item: DelayedItem; at: Date }> = reminders.map((reminder) => ({
      item: { kind: 'reminder', id: reminder.id },
      at: reminder.remindAt,
    }));
    if (row.statusCode === 'scheduled' && row.scheduledFor) {
      work.push({ item: { kind: 'activation', id: row.id }, at: row.scheduledFor });
    }
    await this.queue.add(work);
    return toTask(row);
  }

  async list(caller: Caller, query: ParsedTasksQuery): Promise<Task[]> {
    const { limit, offset, ...filters } = query;
    const rows = await this.db.read(caller, (tx) => this.repository.list(tx, caller, filters, limit, offset));
    return rows.map(toTask);
  }

  /** Every visible task matching the filters, in list order, page by page (exports). */
  async *each(caller: Caller, filters: TaskFilters, pageSize = 500): AsyncGenerator<Task> {
    for (let offset = 0; ; offset += pageSize) {
      const rows = await this.db.read(caller, (tx) => this.repository.list(tx, caller, filters, pageSize, offset));
      for (const row of rows) yield toTask(row);
      if (rows.length < pageSize) return;
    }
  }

  async get(caller: Caller, taskId: string): Promise<Task> {
    const row = await this.db.read(caller, (tx) => this.repository.findVisible(tx, caller, taskId));
    if (!row) throw taskNotFound();
    return toTask(row);
  }

  async update(caller: Caller, taskId: string, input: ParsedUpdateTaskRequest): Promise<Task> {
    const current = await this.get(caller, taskId);
    const reassigns = input.assigneeId !== undefined && input.assigneeId !== current.assigneeId;
    if (reassigns && !caller.isAdmin && caller.userId !== current.authorId) {
      throw forbidden('Only the author or an administrator changes the assignee, due date or wording.');
    }
    if (reassigns && input.assigneeId !== undefined && current.dealId !== null) {
      const team = await this.db.read(SYSTEM_CALLER, (tx) => this.projection.team(tx, current.dealId as string));
      await this.joinDealTeam(
        caller,
        {
          dealId: current.dealId,
          policyId: null,
          paymentId: null,
          clientId: null,
          dealOwnerId: team?.ownerId ?? null,
          dealTitle: null,
          team: [],
        },
        input.assigneeId,
      );
    }
    const now = this.clock.now();
    const { row, previous } = await this.db.write(caller, async (tx) => {
      const task = await this.repository.findVisible(tx, caller, taskId, true);
      if (!task) throw taskNotFound();
      const { patch, activity, events } = this.plan(caller, task, input, now);
      if (Object.keys(patch).length === 0) return { row: task, previous: task };
      const updated = await this.repository.update(tx, task.id, patch);
      await this.repository.addActivity(tx, activity);
      await this.events.emit(tx, events(updated));
      return { row: updated, previous: task };
    });
    await this.syncQueue(previous, row);
    return toTask(row);
  }

  async comment(caller: Caller, taskId: string, body: string): Promise<TaskActivity> {
    const entry = await this.db.write(caller, async (tx) => {
      const task = await this.repository.findVisible(tx, caller, taskId);
      if (!task) throw taskNotFound();
      const [row] = await this.repository.addActivity(tx, [
        { taskId, authorId: caller.userId, eventType: 'comment', body },
      ]);
      return row;
    });
    if (!entry) throw taskNotFound();
    return toActivity(entry);
  }

  async activity(caller: Caller, taskId: string, onlyComments = false): Promise<TaskActivity[]> {
    const rows = await this.db.read(caller, async (tx) => {
      if (!(await this.repository.findVisible(tx, caller, taskId))) throw taskNotFound();
      return this.repository.activity(tx, taskId, onlyComments);
    });
    return rows.map(toActivity);
  }

  async addReminder(caller: Caller, taskId: string, remindAt: string, channel: ReminderChannel): Promise<Reminder> {
    const at = new Date(remindAt);
    if (at.getTime() <= this.clock.now().getTime()) {
      throw invalid('A reminder must be in the future.', 'remind_at_in_past', 'remindAt');
    }
    let row: Awaited<ReturnType<TaskRepository['insertReminders']>>[number] | undefined;
    try {
      row = await this.db.write(caller, async (tx) => {
        const task = await this.repository.findVisible(tx, caller, taskId);
        if (!task) throw taskNotFound();
        if (isFinal(task.statusCode)) {
          throw new Conflict('A completed or cancelled task takes no reminders.', 'task_final');
        }
        const [created] = await this.repository.insertReminders(tx, [
          { id: randomUUID(), taskId, remindAt: at, channel },
        ]);
        if (!created) throw reminderExists();
        return created;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw reminderExists();
      throw error;
    }
    await this.queue.add([{ item: { kind: 'reminder', id: row.id }, at: row.remindAt }]);
    return toReminder(row);
  }

  async reminders(caller: Caller, taskId: string): Promise<Reminder[]> {
    const rows = await this.db.read(caller, async (tx) => {
      if (!(await this.repository.findVisible(tx, caller, taskId))) throw taskNotFound();
      return this.repository.reminders(tx, taskId);
    });
    return rows.map(toReminder);
  }

  async deleteReminder(caller: Caller, taskId: string, reminderId: string): Promise<void> {
    await this.db.write(caller, async (tx) => {
      if (!(await this.repository.findVisible(tx, caller, taskId))) throw taskNotFound();
      const removed = await this.repository.deleteReminder(tx, taskId, reminderId);
      if (!removed) throw invalidReminder();
    });
    await this.queue.remove([{ kind: 'reminder', id: reminderId }]);
  }

  /** What a PATCH changes, after every rule of §3.5 has been checked. */
  private plan(
    caller: Caller,
    task: TaskRow,
    input: ParsedUpdateTaskRequest,
    now: Date,
  ): {
    patch: Partial<typeof tasks.$inferInsert>;
    activity: NewActivity[];
    events: (updated: TaskRow) => TaskEvent[];
  } {
    const roles = rolesOn(caller, task);
    const managing = roles.has('author') || roles.has('admin');
    const patch: Partial<typeof tasks.$inferInsert> = {};
    const activity: NewActivity[] = [];
    const actor = caller.userId;
    const next = input.status ?? task.statusCode;
    const statusChanges = input.status !== undefined && input.status !== task.statusCode;

    if (isFinal(task.statusCode)) {
      if (statusChanges) throw invalidTransition(task.statusCode, next);
      const others = Object.keys(input).filter((key) => key !== 'status' && key !== 'cancelledReason');
      if (others.length > 0 || (input.cancelledReason !== undefined && task.statusCode !== 'cancelled')) {
        throw new Conflict('A completed or cancelled task cannot change; create a new one.', 'task_final', {
          details: { current: task.statusCode },
        });
      }
    }
    if (statusChanges) {
      if (!canTransition(task.statusCode, next)) throw invalidTransition(task.statusCode, next);
      if (!mayTransition(roles, task.statusCode, next)) {
        throw forbidden(`You may not move this task from ${task.statusCode} to ${next}.`);
      }
      patch.statusCode = next;
      if (task.statusCode === 'scheduled') patch.scheduledFor = null;
    }
    if (input.completedAt !== undefined && next !== 'completed') {
      throw invalid('Only completing a task sets completedAt.', 'validation_error', 'completedAt');
    }
    if (next === 'completed' && statusChanges)
      patch.completedAt = input.completedAt ? new Date(input.completedAt) : now;
    if (next === 'cancelled') {
      const reason = input.cancelledReason ?? (statusChanges ? undefined : task.cancelledReason);
      if (!reason) {
        throw new Conflict('Cancelling a task needs a reason.', 'cancelled_reason_required', {
          details: { field: 'cancelledReason' },
        });
      }
      if (!statusChanges && !managing) throw forbidden('Only the author or an administrator edits the reason.');
      if (reason !== task.cancelledReason) patch.cancelledReason = reason;
    } else if (input.cancelledReason !== undefined) {
      throw new Conflict('A cancellation reason is kept only on cancelled tasks.', 'conflict', {
        details: { field: 'cancelledReason' },
      });
    }
    if (next === 'scheduled') {
      const scheduledFor = input.scheduledFor ?? (statusChanges ? undefined : task.scheduledFor?.toISOString());
      if (!scheduledFor) throw invalid('Scheduling needs scheduledFor.', 'scheduled_for_required', 'scheduledFor');
      if (new Date(scheduledFor).getTime() <= now.getTime()) {
        throw invalid('scheduledFor must be in the future.', 'scheduled_for_in_past', 'scheduledFor');
      }
      if (!statusChanges && !managing) throw forbidden('Only the author or an administrator reschedules a task.');
      if (task.scheduledFor?.toISOString() !== scheduledFor) patch.scheduledFor = new Date(scheduledFor);
    } else if (input.scheduledFor !== undefined) {
      throw invalid('scheduledFor goes with status scheduled (or POST /schedule).', 'validation_error', 'scheduledFor');
    }

    const edits: Record<string, unknown> = {};
    const previousValues: Record<string, unknown> = {};
    if (input.subject !== undefined && input.subject !== task.title) {
      patch.title = input.subject;
      edits.subject = input.subject;
      previousValues.subject = task.title;
    }
    if (input.description !== undefined && input.description !== task.description) {
      patch.description = input.description;
      edits.description = input.description;
      previousValues.description = task.description;
    }
    if (input.priority !== undefined && input.priority !== task.priority) {
      patch.priority = input.priority;
      patch.payload = { ...task.payload, priority: input.priority };
      edits.priority = input.priority;
      previousValues.priority = task.priority;
    }
    const assigneeChanges = input.assigneeId !== undefined && input.assigneeId !== task.assigneeId;
    const dueChanges = input.dueDate !== undefined && (input.dueDate ?? null) !== (task.dueAt?.toISOString() ?? null);
    if ((assigneeChanges || dueChanges || Object.keys(edits).length > 0) && !managing) {
      throw forbidden('Only the author or an administrator changes the assignee, due date or wording.');
    }
    if (assigneeChanges) patch.assigneeId = input.assigneeId;
    if (dueChanges) patch.dueAt = input.dueDate ? new Date(input.dueDate) : null;

    if (statusChanges) {
      activity.push({
        taskId: task.id,
        authorId: actor,
        eventType: 'status_changed',
        payload: {
          from: task.statusCode,
          to: next,
          ...(patch.cancelledReason ? { reason: patch.cancelledReason } : {}),
        },
      });
    }
    if (assigneeChanges) {
      activity.push({
        taskId: task.id,
        authorId: actor,
        eventType: 'assignee_changed',
        payload: { from: task.assigneeId, to: input.assigneeId },
      });
    }
    if (dueChanges) {
      activity.push({
        taskId: task.id,
        authorId: actor,
        eventType: 'due_changed',
        payload: { from: task.dueAt?.toISOString() ?? null, to: input.dueDate ?? null },
      });
    }
    if (Object.keys(edits).length > 0 || (!statusChanges && (patch.cancelledReason || patch.scheduledFor))) {
      activity.push({
        taskId: task.id,
        authorId: actor,
        eventType: 'updated',
        payload: {
          changes: { ...edits, ...pick(patch, ['cancelledReason', 'scheduledFor']) },
          previous: previousValues,
        },
      });
    }
    const events = (updated: TaskRow): TaskEvent[] => {
      const list: TaskEvent[] = [];
      if (statusChanges) list.push(statusChangedEvent(task.statusCode, updated, caller.actorId));
      if (assigneeChanges) {
        list.push({
          key: 'task.assigned',
          subject: updated.id,
          data: {
            taskId: updated.id,
            assigneeId: updated.assigneeId,
            previousAssigneeId: task.assigneeId,
            assignedAt: updated.updatedAt.toISOString(),
            actorId: caller.actorId,
            dealId: updated.dealId,
          },
        });
      }
      return list;
    };
    return { patch, activity, events };
  }

  /** Keeps the delayed index in step with a task's schedule. */
  private async syncQueue(before: TaskRow, after: TaskRow): Promise<void> {
    if (after.statusCode === 'scheduled' && after.scheduledFor) {
      if (before.scheduledFor?.getTime() !== after.scheduledFor.getTime() || before.statusCode !== 'scheduled') {
        await this.queue.add([{ item: { kind: 'activation', id: after.id }, at: after.scheduledFor }]);
      }
    } else if (before.statusCode === 'scheduled') {
      await this.queue.remove([{ kind: 'activation', id: after.id }]);
    }
  }

  /**
   * Checks the linked deal, policy and payment through CRM's API with the caller's token: an id that
   * does not exist, or that the caller may not see, is 400 `task_*_not_found`.
   */
  private async resolveContext(
    caller: Caller,
    context: NonNullable<ParsedCreateTaskRequest['context']>,
  ): Promise<ResolvedContext> {
    const resolved: ResolvedContext = {
      dealId: context.dealId ?? null,
      policyId: context.policyId ?? null,
      paymentId: context.paymentId ?? null,
      clientId: context.clientId ?? null,
      dealOwnerId: null,
      dealTitle: null,
      team: [],
    };
    const token = caller.token;
    if (resolved.dealId === null && resolved.policyId === null && resolved.paymentId === null) return resolved;
    if (!token) throw forbidden('Linking a task to CRM records needs a signed-in caller.');
    if (resolved.policyId !== null) {
      const policy = await this.crm.policy(token, resolved.policyId);
      if (!policy || (resolved.dealId !== null && policy.dealId !== resolved.dealId)) {
        throw invalid(
          'The policy does not exist or is not visible to you.',
          'task_policy_not_found',
          'context.policyId',
        );
      }
      resolved.dealId ??= policy.dealId;
      resolved.clientId ??= policy.clientId;
    }
    if (resolved.paymentId !== null) {
      const known = await this.db.read(SYSTEM_CALLER, (tx) =>
        this.projection.paymentRef(tx, resolved.paymentId as string),
      );
      const dealId = resolved.dealId ?? known?.dealId;
      const policyId = resolved.policyId ?? known?.policyId;
      const payment = dealId && policyId ? await this.crm.payment(token, dealId, policyId, resolved.paymentId) : null;
      if (!payment) {
        throw invalid(
          'The payment does not exist or is not visible to you (give its dealId and policyId too).',
          'task_payment_not_found',
          'context.paymentId',
        );
      }
      resolved.dealId = payment.dealId;
      resolved.policyId = payment.policyId;
    }
    if (resolved.dealId !== null) {
      const deal = await this.crm.deal(token, resolved.dealId);
      if (!deal)
        throw invalid('The deal does not exist or is not visible to you.', 'task_deal_not_found', 'context.dealId');
      resolved.clientId ??= deal.clientId;
      resolved.dealOwnerId = deal.ownerId;
      resolved.dealTitle = deal.title;
      resolved.team = (await this.crm.participants(token, resolved.dealId)) ?? [];
    }
    return resolved;
  }

  /**
   * Assigning a deal-linked task puts the assignee on the deal team (ARCHITECTURE.md §7): through
   * CRM's API as the caller, and at once in the local projection so the assignee sees the task.
   */
  private async joinDealTeam(caller: Caller, context: ResolvedContext, assigneeId: string): Promise<void> {
    if (context.dealId === null) return;
    const dealId = context.dealId;
    const onTeam = await this.db.write(SYSTEM_CALLER, async (tx: Tx) => {
      // Deals that predate this service's subscription are learnt from CRM's answers.
      for (const member of context.team) await this.projection.addMember(tx, dealId, member);
      if (context.dealOwnerId !== null || context.dealTitle !== null) {
        await this.projection.rememberDeal(tx, {
          dealId,
          ownerId: context.dealOwnerId,
          clientId: context.clientId,
          title: context.dealTitle,
        });
      }
      return this.repository.onDealTeam(tx, dealId, assigneeId);
    });
    if (onTeam || assigneeId === context.dealOwnerId) return;
    if (caller.token) await this.crm.addParticipant(caller.token, dealId, assigneeId);
    await this.db.write(SYSTEM_CALLER, (tx) => this.projection.addMember(tx, dealId, assigneeId));
  }
}

const reminderExists = () =>
  new Conflict('This task already has a reminder at that time on that channel.', 'reminder_exists');
const invalidReminder = () => new NotFound('The reminder does not exist.', 'reminder_not_found');

function pick(patch: Partial<typeof tasks.$inferInsert>, keys: Array<'cancelledReason' | 'scheduledFor'>) {
  const result: Record<string, unknown> = {};
  for (const key of keys) {
    const value = patch[key];
    if (value !== undefined) result[key] = value instanceof Date ? value.toISOString() : value;
  }
  return result;
}

export function createdEvent(row: TaskRow): TaskEvent {
  return {
    key: 'task.created',
    subject: row.id,
    data: {
      taskId: row.id,
      subject: row.title,
      assigneeId: row.assigneeId,
      authorId: row.authorId,
      status: row.statusCode,
      priority: row.priority,
      dueDate: row.dueAt?.toISOString() ?? null,
      scheduledFor: row.scheduledFor?.toISOString() ?? null,
      context: { dealId: row.dealId, policyId: row.policyId, paymentId: row.paymentId, clientId: row.clientId },
      ruleKey: row.ruleKey,
      createdAt: row.createdAt.toISOString(),
    },
  };
}

export function statusChangedEvent(oldStatus: TaskStatus, row: TaskRow, actorId: string | null): TaskEvent {
  return {
    key: 'task.status.changed',
    subject: row.id,
    data: {
      taskId: row.id,
      oldStatus,
      newStatus: row.statusCode,
      changedAt: row.updatedAt.toISOString(),
      actorId,
      assigneeId: row.assigneeId,
      authorId: row.authorId,
      dealId: row.dealId,
    },
  };
}
