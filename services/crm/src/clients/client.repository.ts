import { Injectable } from '@nestjs/common';
import { NO_MANAGER, type ParsedClientsQuery } from '@polis/contracts';
import { type Executor, queryRows } from '@polis/db';
import { and, asc, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import type { Caller } from '../common/caller.js';
import { CURSOR_PATTERNS, decodeCursor, encodeCursor } from '../common/cursor.js';
import { fullTextMatch } from '../common/sql.js';
import { clientVisibility } from '../common/visibility.js';
import { clients } from '../db/schema.js';

const clientColumns = {
  id: clients.id,
  ownerId: clients.ownerId,
  name: clients.name,
  email: clients.email,
  phone: clients.phone,
  status: clients.status,
  type: clients.type,
  version: clients.version,
  isDeleted: clients.isDeleted,
  createdAt: clients.createdAt,
  updatedAt: clients.updatedAt,
};
export type ClientRecord = {
  [K in keyof typeof clientColumns]: (typeof clients.$inferSelect)[K];
};
export type NewClient = Omit<ClientRecord, 'version' | 'isDeleted' | 'createdAt' | 'updatedAt'>;
export type ClientPatch = Partial<
  Pick<ClientRecord, 'name' | 'email' | 'phone' | 'status' | 'type' | 'ownerId' | 'isDeleted'>
>;

const CLIENT_CURSOR = [CURSOR_PATTERNS.text, CURSOR_PATTERNS.uuid] as const;

@Injectable()
export class ClientRepository {
  async insert(tx: Executor, client: NewClient): Promise<ClientRecord> {
    const [row] = await tx.insert(clients).values(client).returning(clientColumns);
    return row as ClientRecord;
  }

  /** A live client the caller may see; `lock` takes a row lock for a read-modify-write. */
  async findVisible(tx: Executor, caller: Caller, id: string, lock = false): Promise<ClientRecord | undefined> {
    const query = tx
      .select(clientColumns)
      .from(clients)
      .where(and(eq(clients.id, id), eq(clients.isDeleted, false), clientVisibility(caller)))
      .limit(1);
    const [row] = lock ? await query.for('update') : await query;
    return row;
  }

  /** Which of these clients the caller may see now, deleted ones included. */
  async visibleIds(tx: Executor, caller: Caller, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await tx
      .select({ id: clients.id })
      .from(clients)
      .where(and(inArray(clients.id, ids), clientVisibility(caller)));
    return new Set(rows.map((row) => row.id));
  }

  async update(tx: Executor, id: string, patch: ClientPatch): Promise<ClientRecord> {
    const [row] = await tx
      .update(clients)
      .set({ ...patch, version: sql`${clients.version} + 1`, updatedAt: new Date() })
      .where(eq(clients.id, id))
      .returning(clientColumns);
    return row as ClientRecord;
  }

  /** Counts deals the caller cannot see too (a SECURITY DEFINER function): see migration 0003. */
  async hasLiveDeals(tx: Executor, clientId: string): Promise<boolean> {
    const rows = await queryRows<{ live: boolean }>(tx, sql`select crm.client_has_live_deals(${clientId}) as live`);
    return rows[0]?.live === true;
  }

  /** By name, then id; keyset pages. */
  async list(
    tx: Executor,
    caller: Caller,
    query: ParsedClientsQuery,
  ): Promise<{ rows: ClientRecord[]; nextCursor: string | null }> {
    const conditions: Array<SQL | undefined> = [eq(clients.isDeleted, false), clientVisibility(caller)];
    if (query.search) conditions.push(fullTextMatch(clients.searchVector, query.search));
    if (query.status) conditions.push(inArray(clients.status, query.status));
    if (query.ownerId === NO_MANAGER) conditions.push(isNull(clients.ownerId));
    else if (query.ownerId) conditions.push(eq(clients.ownerId, query.ownerId));
    if (query.cursor) {
      const [name, id] = decodeCursor(query.cursor, CLIENT_CURSOR) as [string, string];
      conditions.push(sql`(${clients.name}, ${clients.id}) > (${name}, ${id}::uuid)`);
    }
    const rows = await tx
      .select(clientColumns)
      .from(clients)
      .where(and(...conditions))
      .orderBy(asc(clients.name), asc(clients.id))
      .limit(query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return { rows: page, nextCursor: rows.length > query.limit && last ? encodeCursor([last.name, last.id]) : null };
  }
}
