import { describe, expect, it } from 'vitest';
import { type Anchor, hitsFor, REMINDER_RULES, ruleKeyOf } from './rules.js';

const payment = (plannedDate: string, status = 'scheduled', actualDate: string | null = null): Anchor => ({
  kind: 'payment',
  paymentId: 'p1',
  dealId: 'd1',
  policyId: 'pol1',
  sequence: 2,
  status,
  plannedDate,
  plannedAmount: '1250000.00',
  currency: 'RUB',
  actualDate,
});

describe('reminder rules table', () => {
  it('lists the four dated rules of domain.md §4 with their offsets', () => {
    expect(REMINDER_RULES.map((rule) => [rule.id, rule.offsets])).toEqual([
      ['planned_payment', [-14, -3, 0]],
      ['upcoming_renewal', [-30, -7]],
      ['policy_expiry', [0, 3]],
      ['payment_overdue', [1, 5]],
    ]);
  });

  it('finds the hits of a day window, and none for paid or cancelled payments', () => {
    const hits = hitsFor(payment('2025-03-20'), '2025-03-05', '2025-03-21');
    expect(hits.map((hit) => `${hit.rule.id}:${hit.offset}@${hit.day}`)).toEqual([
      'planned_payment:-14@2025-03-06',
      'planned_payment:-3@2025-03-17',
      'planned_payment:0@2025-03-20',
      'payment_overdue:1@2025-03-21',
    ]);
    expect(hitsFor(payment('2025-03-20', 'paid', '2025-03-19'), '2025-03-01', '2025-04-01')).toEqual([]);
    expect(hitsFor(payment('2025-03-20', 'cancelled'), '2025-03-01', '2025-04-01')).toEqual([]);
    const [overdue] = hitsFor(payment('2025-03-20'), '2025-03-24', '2025-03-25');
    expect(overdue?.rule.responsible(overdue.offset)).toEqual(['seller', 'executor']);
    expect(overdue && ruleKeyOf(overdue, 'executor')).toBe('payment_overdue:p1:5:executor');
  });
});
