import { randomUUID } from 'node:crypto';
import type { CloudEvent } from '@polis/bus';
import type { Reminder, Task } from '@polis/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addDays,
  createDeal,
  DEMO_CRM_IDS,
  EventRecorder,
  eventually,
  type Json,
  PEOPLE,
  startTasks,
  type TasksHarness,
} from './tasks-harness.js';

interface RuleTask {
  rule_key: string;
  assignee_id: string;
  due_at: Date;
  created_day: string;
}

describe('reminder rules of domain.md §4 and the 24-hour escalation', () => {
  let h: TasksHarness;
  const crmEvents = new EventRecorder();
  const taskEvents = new EventRecorder();
  let T: string;
  let dealId: string;
  let policyId: string;
  let openPayment: string;
  let paidPayment: string;
  /** Day the clock stood on when each rule task appeared. */
  const seenOn = new Map<string, string>();

  beforeAll(async () => {
    h = await startTasks({
      beforeStart: async (backend) => {
        await crmEvents.bind(backend, 'crm.events');
        await taskEvents.bind(backend);
      },
    });
    T = h.today;
    h.clock.setDay(T);
    // The first scan remembers today, so later scans catch up every day after it.
    await h.tasks.automation.scan();
    dealId = await createDeal(h, { team: [PEOPLE.teamExecutor] });
  });
  afterAll(async () => h?.close());

  const ruleTasks = async () =>
    h.sql<RuleTask>(
      `select rule_key, assignee_id, due_at, to_char(created_at, 'YYYY-MM-DD') as created_day from tasks.tasks
       where rule_key is not null and deal_id = $1 order by rule_key`,
      [dealId],
    );
  const record = async (day: string) => {
    const fresh: string[] = [];
    for (const task of await ruleTasks()) {
      if (!seenOn.has(task.rule_key)) {
        seenOn.set(task.rule_key, day);
        fresh.push(task.rule_key);
      }
    }
    return fresh.sort();
  };
  const key = (rule: string, id: string, offset: number, role: string) => `${rule}:${id}:${offset}:${role}`;
  const runDay = async (days: number) => {
    h.clock.setDay(addDays(T, days));
    await h.tasks.automation.scan();
    return record(addDays(T, days));
  };

  it('creates the tasks due today as soon as CRM tells of the policy and the payments', async () => {
    const policy = await h.crmRequest<Json>('POST', '/api/v1/crm/policies', {
      token: h.tokens.owner,
      body: {
        clientId: DEMO_CRM_IDS.clients.C1,
        dealId,
        policyNumber: `RULE-${randomUUID().slice(0, 8)}`,
        status: 'active',
        effectiveFrom: addDays(T, -335),
        effectiveTo: addDays(T, 30),
        ownerId: PEOPLE.owner,
      },
    });
    expect(policy.status).toBe(201);
    policyId = policy.body.id as string;
    const pay = async (body: Json) => {
      const response = await h.crmRequest<Json>('POST', `/api/v1/crm/deals/${dealId}/policies/${policyId}/payments`, {
        token: h.tokens.owner,
        body: { plannedAmount: '125000.00', currency: 'RUB', ...body },
      });
      expect(response.status).toBe(201);
      return response.body.id as string;
    };
    openPayment = await pay({ plannedDate: addDays(T, 14) });
    // Paid at once: no rule may chase it.
    paidPayment = await pay({ plannedDate: addDays(T, 1), actualDate: T });
    await eventually(async () => ((await ruleTasks()).length >= 2 ? true : undefined));
    expect(await record(T)).toEqual([
      key('planned_payment', openPayment, -14, 'seller'),
      key('upcoming_renewal', policyId, -30, 'seller'),
    ]);
    const [payment] = (await ruleTasks()).filter((task) => task.rule_key.startsWith('planned_payment'));
    expect(payment?.assignee_id).toBe(PEOPLE.owner);
    const created = await eventually(async () =>
      taskEvents.ofType('tasks.task.created').find((event) => (event.data as Json).ruleKey === payment?.rule_key),
    );
    expect(created.data).toMatchObject({ authorId: '00000000-0000-4000-8000-000000000001', status: 'pending' });
  });

  it('creates each later task on its day, for the right people, once', async () => {
    expect(await runDay(10)).toEqual([]);
    expect(await runDay(11)).toEqual([key('planned_payment', openPayment, -3, 'seller')]);
    expect(await runDay(14)).toEqual([key('planned_payment', openPayment, 0, 'seller')]);
    expect(await runDay(15)).toEqual([key('payment_overdue', openPayment, 1, 'seller')]);
    // Re-running the scan on the same day creates nothing.
    expect(await runDay(15)).toEqual([]);
    // The cron tick: the replica holding the lock scans, the others skip.
    await h.tasks.automation.scheduledScan();
    expect(await h.backend.cache.get('locks:tasks-rules-scan')).not.toBeNull();
    expect(await h.tasks.automation.scheduledScan()).toBe(0);
    await h.backend.cache.del('locks:tasks-rules-scan');
    expect(await runDay(19)).toEqual([
      key('payment_overdue', openPayment, 5, 'executor'),
      key('payment_overdue', openPayment, 5, 'seller'),
    ]);
    // A missed week is caught up on the next run.
    expect(await runDay(33)).toEqual([
      key('policy_expiry', policyId, 0, 'executor'),
      key('policy_expiry', policyId, 0, 'seller'),
      key('policy_expiry', policyId, 3, 'executor'),
      key('policy_expiry', policyId, 3, 'seller'),
      key('upcoming_renewal', policyId, -7, 'seller'),
    ]);
    const all = await ruleTasks();
    expect(all.some((task) => task.rule_key.includes(paidPayment))).toBe(false);
    for (const task of all) {
      expect(task.assignee_id, task.rule_key).toBe(
        task.rule_key.endsWith(':executor') ? PEOPLE.teamExecutor : PEOPLE.owner,
      );
    }
    const overdue = all.find((task) => task.rule_key === key('payment_overdue', openPayment, 1, 'seller'));
    expect(new Date(overdue?.due_at as Date).toISOString()).toBe(`${addDays(T, 16)}T00:00:00.000Z`);
  });

  it('replaying CRM events creates no duplicates', async () => {
    const before = (await ruleTasks()).length;
    h.clock.setDay(T);
    const replayed = await eventually(async () => {
      const found = crmEvents.events.filter(
        (event) => event.type === 'crm.policy.created' || event.type === 'crm.deal.payment_created',
      );
      return found.length >= 3 ? found : undefined;
    });
    const consumer = h.tasks.consumer;
    const keyOf = (event: CloudEvent) =>
      event.type === 'crm.policy.created' ? 'policy.created' : 'deal.payment.created';
    for (const event of replayed) {
      // The same message again (dedup by id), and the same facts in a new envelope (dedup by rule key).
      await consumer.handle(keyOf(event), event);
      await consumer.handle(keyOf(event), { ...event, id: randomUUID() });
    }
    await h.tasks.automation.scan(addDays(T, 33));
    expect((await ruleTasks()).length).toBe(before);
  });

  it('escalates a generated task still open after 24 hours to the main admin, once', async () => {
    h.clock.setDay(addDays(T, 40));
    const escalated = await h.tasks.automation.escalate();
    expect(escalated).toBeGreaterThan(0);
    expect(await h.tasks.automation.escalate()).toBe(0);
    const event = await eventually(async () => taskEvents.ofType('tasks.task.escalated')[0]);
    expect(event.data).toMatchObject({ escalatedToId: PEOPLE.admin, reason: expect.any(String) });
    const task = await h.request<Task>('GET', `/api/v1/tasks/${(event.data as Json).taskId}`, {
      token: h.tokens.admin,
    });
    expect(task.body.escalatedAt).not.toBeNull();
    const activity = await h.request<Json[]>('GET', `/api/v1/tasks/${task.body.id}/activity`, {
      token: h.tokens.admin,
    });
    expect(activity.body.map((entry) => entry.eventType)).toContain('escalated');

    // A rule task completed in time never escalates.
    h.clock.setDay(addDays(T, 45));
    const fresh = await h.crmRequest<Json>('POST', `/api/v1/crm/deals/${dealId}/policies/${policyId}/payments`, {
      token: h.tokens.owner,
      body: { plannedAmount: '1000.00', currency: 'RUB', plannedDate: addDays(T, 45) },
    });
    const ruleKey = key('planned_payment', fresh.body.id as string, 0, 'seller');
    const [done] = await eventually(async () => {
      const rows = await h.sql<{ id: string }>('select id from tasks.tasks where rule_key = $1', [ruleKey]);
      return rows.length === 1 ? rows : undefined;
    });
    expect(
      (await h.request('POST', `/api/v1/tasks/${done?.id}/complete`, { token: h.tokens.admin, body: {} })).status,
    ).toBe(200);
    h.clock.advance(25 * 3_600_000);
    await h.tasks.automation.escalate();
    const [row] = await h.sql<{ escalated_at: Date | null }>('select escalated_at from tasks.tasks where id = $1', [
      done?.id,
    ]);
    expect(row?.escalated_at).toBeNull();
  });

  it('reminds 5 days before a policy amendment date, on both channels', async () => {
    h.clock.setDay(T);
    const task = await h.request<Task>('POST', '/api/v1/tasks', {
      token: h.tokens.owner,
      body: {
        subject: 'Внести изменения в полис',
        description: 'Согласовать со страховщиком добавление двух автомобилей',
        assigneeId: PEOPLE.teamExecutor,
        dueDate: addDays(T, 20),
        context: { dealId, policyId },
        payload: { kind: 'policy_amendment' },
      },
    });
    expect(task.status).toBe(201);
    const reminders = await h.request<Reminder[]>('GET', `/api/v1/tasks/${task.body.id}/reminders`, {
      token: h.tokens.owner,
    });
    expect(reminders.body.map((r) => [r.channel, r.remindAt]).sort()).toEqual([
      ['sse', `${addDays(T, 15)}T00:00:00.000Z`],
      ['telegram', `${addDays(T, 15)}T00:00:00.000Z`],
    ]);
  });
});
