import { Injectable } from '@nestjs/common';
import type { FolderOwnerType } from '@polis/contracts';
import type { Executor } from '@polis/db';
import { and, eq } from 'drizzle-orm';
import { type FolderRow, folders } from '../db/schema.js';

export type NewFolder = Omit<FolderRow, 'createdAt' | 'updatedAt'>;

@Injectable()
export class FolderRepository {
  async findByOwner(tx: Executor, ownerType: FolderOwnerType, ownerId: string): Promise<FolderRow | undefined> {
    const [row] = await tx
      .select()
      .from(folders)
      .where(and(eq(folders.ownerType, ownerType), eq(folders.ownerId, ownerId)))
      .limit(1);
    return row;
  }

  async findByPath(tx: Executor, storagePath: string): Promise<FolderRow | undefined> {
    const [row] = await tx.select().from(folders).where(eq(folders.storagePath, storagePath)).limit(1);
    return row;
  }

  /** Inserts unless the owner already has a folder (a concurrent creator won); answers whether it did. */
  async insert(tx: Executor, folder: NewFolder): Promise<boolean> {
    const rows = await tx.insert(folders).values(folder).onConflictDoNothing().returning({ id: folders.id });
    return rows.length > 0;
  }
}
