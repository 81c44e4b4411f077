import type { CloudEvent } from '@polis/bus';
import { sql } from 'drizzle-orm';
import { bigint, integer, jsonb, pgSchema, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { quoteIdentifier } from './sql-identifier.js';

function defineOutbox(schema: string) {
  return pgSchema(schema).table('outbox', {
    id: uuid('id').primaryKey(),
    exchange: text('exchange').notNull(),
    routingKey: text('routing_key').notNull(),
    event: jsonb('event').$type<CloudEvent>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`clock_timestamp()`),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** Times the broker refused this row on its own while it took others (outages do not count). */
    refusals: integer('refusals').notNull().default(0),
    /** Set when `refusals` reached the relay's limit: the relay skips the row from then on. */
    parkedAt: timestamp('parked_at', { withTimezone: true }),
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
  });
}

function defineProcessedEvents(schema: string) {
  return pgSchema(schema).table(
    'processed_events',
    {
      consumer: text('consumer').notNull(),
      eventId: uuid('event_id').notNull(),
      processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
    },
    (table) => [primaryKey({ columns: [table.consumer, table.eventId] })],
  );
}

export type OutboxTable = ReturnType<typeof defineOutbox>;
export type ProcessedEventsTable = ReturnType<typeof defineProcessedEvents>;

const outboxTables = new Map<string, OutboxTable>();
const processedEventsTables = new Map<string, ProcessedEventsTable>();

/** Drizzle definition of `<schema>.outbox` (created by `runMigrations`). */
export function outboxTable(schema: string): OutboxTable {
  let table = outboxTables.get(schema);
  if (!table) {
    quoteIdentifier(schema, 'schema');
    table = defineOutbox(schema);
    outboxTables.set(schema, table);
  }
  return table;
}

/** Drizzle definition of `<schema>.processed_events` (created by `runMigrations`). */
export function processedEventsTable(schema: string): ProcessedEventsTable {
  let table = processedEventsTables.get(schema);
  if (!table) {
    quoteIdentifier(schema, 'schema');
    table = defineProcessedEvents(schema);
    processedEventsTables.set(schema, table);
  }
  return table;
}

/**
 * DDL of the schema and the tables every service schema has, idempotent. `created_at` comes from
 * `clock_timestamp()` so rows of one transaction keep their insertion order; `seq` breaks ties
 * between rows stamped within the same microsecond.
 */
export function platformTablesSql(schema: string): string {
  const s = quoteIdentifier(schema, 'schema');
  return `
create schema if not exists ${s};
create table if not exists ${s}.schema_migrations (
  version integer primary key,
  name text not null,
  checksum text not null,
  applied_at timestamptz not null default now()
);
create table if not exists ${s}.outbox (
  id uuid primary key,
  exchange text not null,
  routing_key text not null,
  event jsonb not null,
  created_at timestamptz not null default clock_timestamp(),
  published_at timestamptz,
  attempts integer not null default 0,
  last_error text,
  seq bigint generated always as identity
);
alter table ${s}.outbox add column if not exists refusals integer not null default 0;
alter table ${s}.outbox add column if not exists parked_at timestamptz;
create index if not exists outbox_unpublished_idx on ${s}.outbox (created_at, seq) where published_at is null;
create table if not exists ${s}.processed_events (
  consumer text not null,
  event_id uuid not null,
  processed_at timestamptz not null default now(),
  primary key (consumer, event_id)
);
`;
}
