import { Injectable } from '@nestjs/common';
import type { DocumentStatus, DocumentType, FolderOwnerType } from '@polis/contracts';
import type { Executor } from '@polis/db';
import { and, asc, count, desc, eq, ilike, inArray, isNotNull, isNull, lte, or, type SQL, sql } from 'drizzle-orm';
import { type DocumentRow, documents } from '../db/schema.js';

export type NewDocument = Pick<
  DocumentRow,
  | 'id'
  | 'name'
  | 'description'
  | 'metadata'
  | 'status'
  | 'ownerType'
  | 'ownerId'
  | 'folderPath'
  | 'documentType'
  | 'authorId'
  | 'sourceUri'
>;
export type DocumentPatch = Partial<Omit<DocumentRow, 'id' | 'createdAt'>>;

export interface DocumentFilters {
  ownerType?: FolderOwnerType | undefined;
  ownerId?: string | undefined;
  documentTypes: DocumentType[];
  status?: DocumentStatus | undefined;
  search?: string | undefined;
}

export interface OwnerKey {
  ownerType: FolderOwnerType;
  ownerId: string;
}

function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

function filterConditions(filters: DocumentFilters): SQL[] {
  const conditions: SQL[] = [isNull(documents.deletedAt)];
  if (filters.ownerType) conditions.push(eq(documents.ownerType, filters.ownerType));
  if (filters.ownerId) conditions.push(eq(documents.ownerId, filters.ownerId));
  if (filters.documentTypes.length > 0) conditions.push(inArray(documents.documentType, filters.documentTypes));
  if (filters.status) conditions.push(eq(documents.status, filters.status));
  if (filters.search) {
    const pattern = likePattern(filters.search);
    conditions.push(or(ilike(documents.name, pattern), ilike(documents.description, pattern)) as SQL);
  }
  return conditions;
}

function ownersCondition(owners: OwnerKey[]): SQL {
  if (owners.length === 0) return sql`false`;
  return or(
    ...owners.map((owner) => and(eq(documents.ownerType, owner.ownerType), eq(documents.ownerId, owner.ownerId))),
  ) as SQL;
}

@Injectable()
export class DocumentRepository {
  async insert(tx: Executor, row: NewDocument): Promise<DocumentRow> {
    const [inserted] = await tx.insert(documents).values(row).returning();
    return inserted as DocumentRow;
  }

  /** Deleted rows included; `lock` takes a row lock for a read-modify-write. */
  async find(tx: Executor, id: string, lock = false): Promise<DocumentRow | undefined> {
    const query = tx.select().from(documents).where(eq(documents.id, id)).limit(1);
    const [row] = lock ? await query.for('update') : await query;
    return row;
  }

  async update(tx: Executor, id: string, patch: DocumentPatch): Promise<DocumentRow> {
    const [row] = await tx
      .update(documents)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(eq(documents.id, id))
      .returning();
    return row as DocumentRow;
  }

  /** Distinct owners of the live documents matching the filters (visibility is decided per owner). */
  async owners(tx: Executor, filters: DocumentFilters): Promise<OwnerKey[]> {
    return tx
      .selectDistinct({ ownerType: documents.ownerType, ownerId: documents.ownerId })
      .from(documents)
      .where(and(...filterConditions(filters)));
  }

  /** A page of live documents, newest first; `owners` undefined = every owner. */
  async list(
    tx: Executor,
    filters: DocumentFilters,
    owners: OwnerKey[] | undefined,
    page: { limit: number; offset: number },
  ): Promise<{ rows: DocumentRow[]; total: number }> {
    const conditions = filterConditions(filters);
    if (owners !== undefined) conditions.push(ownersCondition(owners));
    const where = and(...conditions);
    const [totalRow] = await tx.select({ n: count() }).from(documents).where(where);
    const rows = await tx
      .select()
      .from(documents)
      .where(where)
      .orderBy(desc(documents.createdAt), asc(documents.id))
      .limit(page.limit)
      .offset(page.offset);
    return { rows, total: Number(totalRow?.n ?? 0) };
  }

  /** True when a live document already uses (or has staged) this file. */
  async isPathTaken(tx: Executor, path: string): Promise<boolean> {
    const [row] = await tx
      .select({ id: documents.id })
      .from(documents)
      .where(or(and(eq(documents.storagePath, path), isNull(documents.deletedAt)), eq(documents.stagedPath, path)))
      .limit(1);
    return row !== undefined;
  }

  /** Bytes held by live documents (the quota). */
  async usedBytes(tx: Executor): Promise<number> {
    const [row] = await tx
      .select({ total: sql<string>`coalesce(sum(${documents.size}), 0)::text` })
      .from(documents)
      .where(and(isNull(documents.deletedAt), isNotNull(documents.storagePath)));
    return Number(row?.total ?? 0);
  }

  /** Imports whose retention ends by `until`, not yet warned, still holding a file. */
  async dueForWarning(tx: Executor, until: Date): Promise<DocumentRow[]> {
    return tx
      .select()
      .from(documents)
      .where(
        and(
          isNull(documents.deletedAt),
          isNull(documents.archivedAt),
          isNull(documents.retentionWarnedAt),
          isNotNull(documents.retentionUntil),
          lte(documents.retentionUntil, until),
        ),
      )
      .limit(500);
  }

  async dueForArchive(tx: Executor, now: Date): Promise<DocumentRow[]> {
    return tx
      .select()
      .from(documents)
      .where(
        and(
          isNull(documents.deletedAt),
          isNull(documents.archivedAt),
          isNotNull(documents.retentionUntil),
          lte(documents.retentionUntil, now),
        ),
      )
      .limit(500);
  }

  /** Files moved into place whose row never committed (a crash in between), staged before `before`. */
  async staleStaged(tx: Executor, before: Date): Promise<DocumentRow[]> {
    return tx
      .select()
      .from(documents)
      .where(and(isNotNull(documents.stagedPath), lte(documents.stagedAt, before)))
      .limit(500);
  }

  /** Deleted documents whose file removal did not finish (a crash after the commit). */
  async deletedWithFiles(tx: Executor): Promise<DocumentRow[]> {
    return tx
      .select()
      .from(documents)
      .where(and(isNotNull(documents.deletedAt), isNotNull(documents.storagePath)))
      .limit(500);
  }
}
