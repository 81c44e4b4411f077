import type { TaskPriority } from '@polis/contracts';
import { addDays } from '@polis/platform';
import { daysBetween } from '../common/clock.js';

/*
 * The agency's reminder and escalation rules (domain.md §4) as one table an agency can read and
 * change. Each rule watches an anchor date of a CRM record (kept in the Tasks projection from
 * crm.events), and on each offset day creates a task for the responsible people of the deal.
 * A task is created once per (rule, record, offset, role): `ruleKey` is unique, so re-running the
 * scan or replaying events never duplicates one. Generated tasks start `pending`; one still open
 * `TASKS_ESCALATION_AFTER` (24 h) after creation escalates to the main admin.
 */

/** Who gets a generated task: the deal lead (seller), the deal's executor, or the main admin. */
export type Responsible = 'seller' | 'executor' | 'mainAdmin';

export interface PaymentAnchor {
  kind: 'payment';
  paymentId: string;
  dealId: string;
  policyId: string;
  sequence: number | null;
  status: string;
  plannedDate: string | null;
  plannedAmount: string | null;
  currency: string | null;
  actualDate: string | null;
}

export interface PolicyAnchor {
  kind: 'policy';
  policyId: string;
  dealId: string | null;
  clientId: string | null;
  policyNumber: string | null;
  status: string;
  effectiveTo: string | null;
}

export type Anchor = PaymentAnchor | PolicyAnchor;

export interface ReminderRule {
  id: string;
  /** What the rule is about, in the agency's words. */
  label: string;
  anchor: Anchor['kind'];
  /** The record's date the offsets count from. */
  anchorDate: (anchor: Anchor) => string | null;
  /** Whether the record still needs this rule (e.g. the payment is unpaid). */
  applies: (anchor: Anchor) => boolean;
  /** Days relative to the anchor date on which a task is due to be created. */
  offsets: readonly number[];
  /** Who gets a task at each offset. */
  responsible: (offset: number) => readonly Responsible[];
  priority: TaskPriority;
  title: (anchor: Anchor, offset: number) => string;
  description: (anchor: Anchor, offset: number, role: Responsible) => string;
}

const OPEN_PAYMENT = new Set(['scheduled', 'partially_paid']);
const isOpenPayment = (anchor: Anchor): boolean =>
  anchor.kind === 'payment' && OPEN_PAYMENT.has(anchor.status) && anchor.actualDate === null;

function paymentLabel(anchor: Anchor): string {
  if (anchor.kind !== 'payment') return '';
  const number = anchor.sequence === null ? '' : ` №${anchor.sequence}`;
  return `платёж${number} на ${anchor.plannedAmount ?? '—'} ${anchor.currency ?? ''}`.trim();
}

function policyLabel(anchor: Anchor): string {
  return anchor.kind === 'policy' ? `полис ${anchor.policyNumber ?? anchor.policyId}` : '';
}

function when(offset: number): string {
  if (offset === 0) return 'сегодня';
  return offset < 0 ? `через ${-offset} дн.` : `${offset} дн. назад`;
}

export const REMINDER_RULES: readonly ReminderRule[] = [
  {
    id: 'planned_payment',
    label: 'Planned payment: confirm the client paid',
    anchor: 'payment',
    anchorDate: (anchor) => (anchor.kind === 'payment' ? anchor.plannedDate : null),
    applies: isOpenPayment,
    offsets: [-14, -3, 0],
    responsible: () => ['seller'],
    priority: 'normal',
    title: (anchor, offset) => `Подтвердить оплату: ${paymentLabel(anchor)} (${when(offset)})`,
    description: (anchor) =>
      `Плановая дата: ${anchor.kind === 'payment' ? anchor.plannedDate : ''}. Свяжитесь с клиентом и ` +
      'напомните об оплате; главный администратор подтверждает поступление и закрывает задачу.',
  },
  {
    id: 'upcoming_renewal',
    label: 'Upcoming renewal: prepare the renewal offer',
    anchor: 'policy',
    anchorDate: (anchor) => (anchor.kind === 'policy' ? anchor.effectiveTo : null),
    applies: (anchor) => anchor.kind === 'policy' && anchor.status === 'active',
    offsets: [-30, -7],
    responsible: () => ['seller'],
    priority: 'normal',
    title: (anchor, offset) => `Подготовить пролонгацию: ${policyLabel(anchor)} (${when(offset)})`,
    description: (anchor) =>
      `Полис действует до ${anchor.kind === 'policy' ? anchor.effectiveTo : ''}. Запросите расчёты у ` +
      'страховщиков, подготовьте предложение о продлении и согласуйте его с клиентом.',
  },
  {
    id: 'policy_expiry',
    label: 'Policy expiry: contact the client, build the document set',
    anchor: 'policy',
    anchorDate: (anchor) => (anchor.kind === 'policy' ? anchor.effectiveTo : null),
    applies: (anchor) =>
      anchor.kind === 'policy' && (anchor.status === 'active' || anchor.status === 'pending_renewal'),
    offsets: [0, 3],
    responsible: () => ['seller', 'executor'],
    priority: 'high',
    title: (anchor, offset) => `Окончание полиса: ${policyLabel(anchor)} (${when(offset)})`,
    description: (anchor, _offset, role) =>
      role === 'executor'
        ? `Полис истёк ${anchor.kind === 'policy' ? anchor.effectiveTo : ''}. Соберите комплект документов и ` +
          'отчёт; комментарий о выполненных действиях обязателен.'
        : 'Свяжитесь с клиентом по окончанию полиса и зафиксируйте результат в комментарии (обязательно).',
  },
  {
    id: 'payment_overdue',
    label: 'Payment overdue: tell the client about the debt',
    anchor: 'payment',
    anchorDate: (anchor) => (anchor.kind === 'payment' ? anchor.plannedDate : null),
    applies: isOpenPayment,
    offsets: [1, 5],
    // On the repeat the executor joins to prepare the claim papers.
    responsible: (offset) => (offset >= 5 ? ['seller', 'executor'] : ['seller']),
    priority: 'high',
    title: (anchor, offset) => `Просрочен платёж: ${paymentLabel(anchor)} (${when(offset)})`,
    description: (anchor, _offset, role) =>
      role === 'executor'
        ? 'Платёж повторно просрочен: подготовьте документы для претензии.'
        : `Плановая дата ${anchor.kind === 'payment' ? anchor.plannedDate : ''} прошла, оплаты нет. Сообщите ` +
          'клиенту о задолженности; в комментарии укажите результат разговора и дату следующего шага.',
  },
];

/**
 * Policy amendment (domain.md §4, §7 #16): CRM stores no amendment date, so an amendment is a
 * manual task (`payload.kind = "policy_amendment"`) whose due date is the target change date; the
 * rule reminds its assignee 5 days before on both channels.
 */
export const AMENDMENT_RULE = { id: 'policy_amendment', payloadKind: 'policy_amendment', offsetDays: -5 } as const;

export function amendmentReminderTimes(payload: Record<string, unknown>, dueAt: Date | null, now: Date): Date[] {
  if (payload.kind !== AMENDMENT_RULE.payloadKind || dueAt === null || dueAt.getTime() <= now.getTime()) return [];
  const at = new Date(dueAt.getTime() + AMENDMENT_RULE.offsetDays * 86_400_000);
  // Inside the 5 days already: remind at once rather than never.
  return [at.getTime() > now.getTime() ? at : new Date(now.getTime() + 1000)];
}

export interface RuleHit {
  rule: ReminderRule;
  anchor: Anchor;
  offset: number;
  /** The day the task is due to be created. */
  day: string;
  /** The record's date the offset counts from. */
  anchorDate: string;
}

/** The rule key of one generated task. */
export function ruleKeyOf(hit: RuleHit, role: Responsible): string {
  const id = hit.anchor.kind === 'payment' ? hit.anchor.paymentId : hit.anchor.policyId;
  return `${hit.rule.id}:${id}:${hit.offset}:${role}`;
}

/** Every (rule, offset) of `anchor` whose day falls in (`afterDay`, `untilDay`]. */
export function hitsFor(anchor: Anchor, afterDay: string, untilDay: string, rules = REMINDER_RULES): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const rule of rules) {
    if (rule.anchor !== anchor.kind || !rule.applies(anchor)) continue;
    const anchorDate = rule.anchorDate(anchor);
    if (anchorDate === null) continue;
    for (const offset of rule.offsets) {
      const day = addDays(anchorDate, offset);
      if (daysBetween(afterDay, day) > 0 && daysBetween(day, untilDay) >= 0) {
        hits.push({ rule, anchor, offset, day, anchorDate });
      }
    }
  }
  return hits;
}

/** The widest reach of the offsets, to bound the records a scan of some days has to read. */
export const OFFSET_REACH = {
  before: Math.max(0, ...REMINDER_RULES.flatMap((rule) => rule.offsets.map((offset) => -offset))),
  after: Math.max(0, ...REMINDER_RULES.flatMap((rule) => rule.offsets)),
};
