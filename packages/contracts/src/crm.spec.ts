import { describe, expect, it } from 'vitest';
import {
  CRM_EVENT_KEYS,
  createDealRequestSchema,
  crmEventDataSchemas,
  crmEventType,
  dateSchema,
  dealStatusInputSchema,
  dealsQuerySchema,
  moneySchema,
  paymentAmountSchema,
  positiveMoneySchema,
  STAGE_TO_STATUS,
  STATUS_TO_STAGE,
  updateDealRequestSchema,
  validityPeriodSchema,
} from './crm.js';

describe('crm contracts', () => {
  it('accepts money as decimal strings only', () => {
    for (const good of ['0', '1', '150000.00', '999999999999.99', '12.3'])
      expect(moneySchema.safeParse(good).success).toBe(true);
    for (const bad of ['-1', '1e3', '12.345', '1,5', '', ' 1', '1000000000000', 'NaN']) {
      expect(moneySchema.safeParse(bad).success).toBe(false);
    }
    expect(moneySchema.safeParse(150000).success).toBe(false);
    expect(positiveMoneySchema.safeParse('0.00').success).toBe(false);
    expect(positiveMoneySchema.safeParse('0.01').success).toBe(true);
  });

  it('accepts payment amounts as strict positive decimal strings only', () => {
    for (const good of ['1', '0.01', '150000.00', '999999999999.99', '10.5'])
      expect(paymentAmountSchema.safeParse(good).success).toBe(true);
    for (const bad of ['0', '0.00', '-0', '-1', '+1', '1e3', '12.345', '1,5', 'NaN', '007', '1.', '.5', ' 1', '']) {
      expect(paymentAmountSchema.safeParse(bad).success).toBe(false);
    }
    expect(paymentAmountSchema.safeParse(1000).success).toBe(false);
  });

  it('accepts only real calendar dates', () => {
    expect(dateSchema.safeParse('2024-02-29').success).toBe(true);
    for (const bad of ['2025-02-30', '2025-13-01', '2025-1-1', '2025-01-01T00:00:00Z', '']) {
      expect(dateSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('maps status synonyms to stored statuses and stages round-trip', () => {
    expect(dealStatusInputSchema.parse('draft')).toBe('qualification');
    expect(dealStatusInputSchema.parse('negotiation')).toBe('in_progress');
    expect(dealStatusInputSchema.parse('closed_won')).toBe('won');
    expect(dealStatusInputSchema.parse('closed_lost')).toBe('lost');
    expect(dealStatusInputSchema.safeParse('closedWon').success).toBe(false);
    for (const [stage, status] of Object.entries(STAGE_TO_STATUS)) expect(STATUS_TO_STAGE[status]).toBe(stage);
  });

  it('requires nextReviewAt on create and refuses null on update', () => {
    const base = { clientId: '6fda31ff-7b74-4ba0-9188-8d6504b63005', title: 'Deal' };
    expect(createDealRequestSchema.safeParse(base).success).toBe(false);
    expect(createDealRequestSchema.safeParse({ ...base, nextReviewAt: '2025-01-10' }).success).toBe(true);
    expect(updateDealRequestSchema.safeParse({ nextReviewAt: null }).success).toBe(false);
    expect(updateDealRequestSchema.safeParse({ version: 2 }).success).toBe(false);
  });

  it('reads repeated query values as lists', () => {
    const parsed = dealsQuerySchema.parse({ stage: 'proposal', manager: ['__NO_MANAGER__'], limit: '10' });
    expect(parsed).toMatchObject({ stage: ['proposal'], manager: ['__NO_MANAGER__'], limit: 10 });
    expect(dealsQuerySchema.safeParse({ unknown: '1' }).success).toBe(false);
  });

  it('refuses a validity period that ends before it starts', () => {
    expect(validityPeriodSchema.safeParse({ start: '2025-01-02', end: '2025-01-01' }).success).toBe(false);
    expect(validityPeriodSchema.safeParse({ start: '2025-01-02', end: '2025-01-02' }).success).toBe(true);
  });

  it('names event types after the routing key', () => {
    expect(crmEventType('deal.created')).toBe('crm.deal.created');
    expect(crmEventType('deal.status.changed')).toBe('crm.deal.status_changed');
    expect(crmEventType('deal.calculation.status.ready')).toBe('crm.deal.calculation.status_ready');
    expect(crmEventType('client.updated')).toBe('crm.client.updated');
    expect(Object.keys(crmEventDataSchemas).sort()).toEqual([...CRM_EVENT_KEYS].sort());
  });
});
