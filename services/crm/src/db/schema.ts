import type {
  CalculationStatus,
  ClientStatus,
  ClientType,
  DealStatus,
  PaymentStatus,
  PolicyClosedReason,
  PolicyStatus,
} from '@polis/contracts';
import { sql } from 'drizzle-orm';
import {
  boolean,
  customType,
  date,
  integer,
  jsonb,
  numeric,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';

export const CRM_SCHEMA = 'crm';
export const crmSchema = pgSchema(CRM_SCHEMA);

const timestamptz = (name: string) => timestamp(name, { withTimezone: true });
const money = (name: string) => numeric(name, { precision: 14, scale: 2 });
const day = (name: string) => date(name, { mode: 'string' });

/** Full-text column, only ever read in `@@` matches. */
const tsvector = customType<{ data: string; driverData: string }>({ dataType: () => 'tsvector' });

/**
 * Marks the generated `search_vector` columns so inserts and updates never write them; the real
 * expression (Russian + English stems, `simple` words) lives in the migration.
 */
const generatedSearchVector = () => tsvector('search_vector').generatedAlwaysAs(sql`null`);

export interface DateRange {
  start: string;
  end: string;
}

function shiftDay(isoDate: string, days: number): string {
  const [year, month, dayOfMonth] = isoDate.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, dayOfMonth + days)).toISOString().slice(0, 10);
}

/**
 * An inclusive `{start, end}` period stored as `daterange`. PostgreSQL normalises date ranges to
 * `[start, end+1)`, so reading takes one day off the upper bound.
 */
export const dateRange = customType<{ data: DateRange; driverData: string }>({
  dataType: () => 'daterange',
  toDriver: (value) => `[${value.start},${value.end}]`,
  fromDriver: (value) => {
    const match = /^([[(])(\d{4}-\d{2}-\d{2}),(\d{4}-\d{2}-\d{2})([\])])$/.exec(value);
    if (!match) throw new Error(`unexpected daterange ${value}`);
    const [, lowerBound, lower, upper, upperBound] = match as unknown as [string, string, string, string, string];
    return {
      start: lowerBound === '[' ? lower : shiftDay(lower, 1),
      end: upperBound === ']' ? upper : shiftDay(upper, -1),
    };
  },
});

export const clients = crmSchema.table('clients', {
  id: uuid('id').primaryKey(),
  ownerId: uuid('owner_id'),
  name: varchar('name', { length: 255 }).notNull(),
  email: varchar('email', { length: 255 }),
  phone: varchar('phone', { length: 50 }),
  status: varchar('status', { length: 50 }).$type<ClientStatus>().notNull(),
  type: varchar('type', { length: 16 }).$type<ClientType>().notNull(),
  version: integer('version').notNull().default(1),
  isDeleted: boolean('is_deleted').notNull().default(false),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  searchVector: generatedSearchVector(),
});

export const deals = crmSchema.table('deals', {
  id: uuid('id').primaryKey(),
  clientId: uuid('client_id')
    .notNull()
    .references(() => clients.id),
  ownerId: uuid('owner_id'),
  title: varchar('title', { length: 255 }).notNull(),
  description: text('description'),
  status: varchar('status', { length: 50 }).$type<DealStatus>().notNull(),
  nextReviewAt: day('next_review_at').notNull(),
  version: integer('version').notNull().default(1),
  isDeleted: boolean('is_deleted').notNull().default(false),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  searchVector: generatedSearchVector(),
});

export const dealParticipants = crmSchema.table(
  'deal_participants',
  {
    dealId: uuid('deal_id')
      .notNull()
      .references(() => deals.id),
    userId: uuid('user_id').notNull(),
    addedById: uuid('added_by_id'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.dealId, table.userId] })],
);

export const dealJournal = crmSchema.table('deal_journal', {
  id: uuid('id').primaryKey(),
  dealId: uuid('deal_id')
    .notNull()
    .references(() => deals.id),
  authorId: uuid('author_id').notNull(),
  body: text('body').notNull(),
  createdAt: timestamptz('created_at').notNull().default(sql`clock_timestamp()`),
});

export const calculations = crmSchema.table('calculations', {
  id: uuid('id').primaryKey(),
  dealId: uuid('deal_id')
    .notNull()
    .references(() => deals.id),
  ownerId: uuid('owner_id').notNull(),
  insuranceCompany: varchar('insurance_company', { length: 255 }).notNull(),
  programName: varchar('program_name', { length: 255 }),
  premiumAmount: money('premium_amount'),
  coverageSum: money('coverage_sum'),
  calculationDate: day('calculation_date').notNull(),
  validityPeriod: dateRange('validity_period'),
  status: varchar('status', { length: 32 }).$type<CalculationStatus>().notNull(),
  files: jsonb('files').$type<string[]>().notNull(),
  comments: text('comments'),
  version: integer('version').notNull().default(1),
  isDeleted: boolean('is_deleted').notNull().default(false),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

export const policies = crmSchema.table('policies', {
  id: uuid('id').primaryKey(),
  clientId: uuid('client_id')
    .notNull()
    .references(() => clients.id),
  dealId: uuid('deal_id'),
  calculationId: uuid('calculation_id').references(() => calculations.id),
  ownerId: uuid('owner_id').notNull(),
  policyNumber: varchar('policy_number', { length: 64 }).notNull(),
  status: varchar('status', { length: 50 }).$type<PolicyStatus>().notNull(),
  closedReason: varchar('closed_reason', { length: 32 }).$type<PolicyClosedReason>(),
  premium: money('premium'),
  /** Percent of the premium paid to the agency as commission (0–100, two decimals). */
  commissionRate: numeric('commission_rate', { precision: 5, scale: 2 }),
  effectiveFrom: day('effective_from'),
  effectiveTo: day('effective_to'),
  version: integer('version').notNull().default(1),
  isDeleted: boolean('is_deleted').notNull().default(false),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

export const policyDocuments = crmSchema.table('policy_documents', {
  id: uuid('id').primaryKey(),
  policyId: uuid('policy_id')
    .notNull()
    .references(() => policies.id),
  documentId: uuid('document_id').notNull(),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
});

export const paymentSequences = crmSchema.table('payment_sequences', {
  policyId: uuid('policy_id')
    .primaryKey()
    .references(() => policies.id),
  lastSequence: integer('last_sequence').notNull(),
});

export const payments = crmSchema.table('payments', {
  id: uuid('id').primaryKey(),
  dealId: uuid('deal_id')
    .notNull()
    .references(() => deals.id),
  policyId: uuid('policy_id')
    .notNull()
    .references(() => policies.id),
  sequence: integer('sequence').notNull(),
  status: varchar('status', { length: 32 }).$type<PaymentStatus>().notNull(),
  plannedDate: day('planned_date'),
  plannedAmount: money('planned_amount').notNull(),
  currency: varchar('currency', { length: 3 }).notNull(),
  comment: text('comment'),
  actualDate: day('actual_date'),
  recordedById: uuid('recorded_by_id'),
  createdById: uuid('created_by_id'),
  updatedById: uuid('updated_by_id'),
  incomesTotal: money('incomes_total').notNull().default('0'),
  expensesTotal: money('expenses_total').notNull().default('0'),
  netTotal: money('net_total').notNull().default('0'),
  version: integer('version').notNull().default(1),
  isDeleted: boolean('is_deleted').notNull().default(false),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

/** The columns of an income or expense line: the two tables are identical, the table is the direction. */
const movementColumns = () => ({
  id: uuid('id').primaryKey(),
  paymentId: uuid('payment_id')
    .notNull()
    .references(() => payments.id),
  amount: money('amount').notNull(),
  currency: varchar('currency', { length: 3 }).notNull(),
  category: varchar('category', { length: 64 }).notNull(),
  postedAt: day('posted_at').notNull(),
  note: text('note'),
  createdById: uuid('created_by_id'),
  updatedById: uuid('updated_by_id'),
  isDeleted: boolean('is_deleted').notNull().default(false),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

export const paymentIncomes = crmSchema.table('payment_incomes', movementColumns());
export const paymentExpenses = crmSchema.table('payment_expenses', movementColumns());

export type ClientRow = typeof clients.$inferSelect;
export type DealRow = typeof deals.$inferSelect;
export type ParticipantRow = typeof dealParticipants.$inferSelect;
export type JournalRow = typeof dealJournal.$inferSelect;
export type CalculationRow = typeof calculations.$inferSelect;
export type PolicyRow = typeof policies.$inferSelect;
export type PolicyDocumentRow = typeof policyDocuments.$inferSelect;
export type PaymentRow = typeof payments.$inferSelect;
export type MovementRow = typeof paymentIncomes.$inferSelect;
