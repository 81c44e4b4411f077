import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { FolderOwnerType } from '@polis/contracts';
import { type Executor, isUniqueViolation } from '@polis/db';
import { Conflict, Invalid } from '@polis/platform';
import { OwnerAccess, type OwnerInfo } from '../access/owner-access.js';
import type { Caller } from '../common/caller.js';
import { DocumentsDb } from '../common/documents-db.js';
import { folderNotFound, ownerNotFound } from '../common/errors.js';
import type { FolderRow } from '../db/schema.js';
import type { DocumentsConfig } from '../documents.config.js';
import { DOCUMENTS_CONFIG, STORAGE } from '../documents.tokens.js';
import type { DocumentStorage } from '../storage/document-storage.js';
import { assertClientPath, joinRelative, renderFolderName } from '../storage/storage-paths.js';
import { FolderRepository } from './folder.repository.js';
import { publicUrlOf } from './folder.view.js';

type CrmOwnerType = Exclude<FolderOwnerType, 'payment'>;

export interface FolderTarget {
  ownerType: FolderOwnerType;
  ownerId: string;
  title: string;
}

/**
 * The folder tree client → deal → policy (platform.md §3.1). Folders are created from CRM's events
 * and on demand, named by the templates, never renamed; the database keeps relative paths only.
 */
@Injectable()
export class FolderService {
  constructor(
    private readonly db: DocumentsDb,
    private readonly folders: FolderRepository,
    private readonly access: OwnerAccess,
    @Inject(STORAGE) private readonly storage: DocumentStorage,
    @Inject(DOCUMENTS_CONFIG) private readonly config: DocumentsConfig,
  ) {}

  /**
   * The owner's folder, created (directory and row) under `parentPath` when missing. Concurrent
   * creators agree: the unique owner key lets one row win and the others read it.
   */
  async ensure(
    target: FolderTarget,
    parentPath: string | null,
    metadata: Record<string, unknown> = {},
  ): Promise<FolderRow> {
    return (await this.ensureCreated(target, parentPath, metadata)).row;
  }

  private async ensureCreated(
    target: FolderTarget,
    parentPath: string | null,
    metadata: Record<string, unknown>,
  ): Promise<{ row: FolderRow; created: boolean }> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.db.write((tx) => this.ensureWithin(tx, target, parentPath, metadata));
      } catch (error) {
        // A concurrent creator took the owner or the path: the next round reads or skips it.
        if (!isUniqueViolation(error) || attempt >= 5) throw error;
      }
    }
  }

  /**
   * The same inside the caller's transaction (the CRM event consumer records the event id in it).
   * A unique violation aborts the transaction; the caller retries.
   */
  async ensureWithin(
    tx: Executor,
    target: FolderTarget,
    parentPath: string | null,
    metadata: Record<string, unknown> = {},
  ): Promise<{ row: FolderRow; created: boolean }> {
    const existing = await this.folders.findByOwner(tx, target.ownerType, target.ownerId);
    if (existing) return { row: existing, created: false };
    const template = this.config.folders.templates[target.ownerType] ?? this.config.folders.templates.default;
    const name = renderFolderName(template, target);
    for (let attempt = 1; attempt < 100; attempt += 1) {
      const folderName = attempt === 1 ? name : `${name}-${attempt}`;
      const storagePath = joinRelative(parentPath, folderName);
      if (await this.folders.findByPath(tx, storagePath)) continue;
      await this.storage.ensureDir(storagePath);
      const inserted = await this.folders.insert(tx, {
        id: randomUUID(),
        ownerType: target.ownerType,
        ownerId: target.ownerId,
        name: folderName,
        storagePath,
        parentPath,
        publicUrl: publicUrlOf(this.config.folders.webBaseUrl, storagePath),
        metadata,
      });
      const stored = await this.folders.findByOwner(tx, target.ownerType, target.ownerId);
      // Not inserted and no row for the owner: a concurrent folder took the path; try the next name.
      if (stored) return { row: stored, created: inserted };
    }
    throw new Error(`no free folder name for ${target.ownerType} ${target.ownerId}`);
  }

  /** The folder of an owner CRM shows the caller, with its parents, created as needed. */
  async ensureForOwner(caller: Caller, ownerType: FolderOwnerType, ownerId: string): Promise<FolderRow> {
    if (ownerType === 'payment') {
      const folder = await this.db.read((tx) => this.folders.findByOwner(tx, ownerType, ownerId));
      if (!folder || !(await this.canSeeFolder(caller, folder))) throw folderNotFound();
      return folder;
    }
    const owner = await this.access.lookup(caller, ownerType, ownerId);
    if (!owner) throw ownerNotFound(ownerType);
    return this.ensureChain(caller, owner, 0);
  }

  private async ensureChain(caller: Caller, owner: OwnerInfo, depth: number): Promise<FolderRow> {
    const existing = await this.db.read((tx) => this.folders.findByOwner(tx, owner.ownerType, owner.ownerId));
    if (existing) return existing;
    let parentPath: string | null = null;
    if (owner.parent && depth < 3) {
      const parentOwner = await this.access.lookup(
        caller,
        owner.parent.ownerType as CrmOwnerType,
        owner.parent.ownerId,
      );
      const parentFolder = parentOwner
        ? await this.ensureChain(caller, parentOwner, depth + 1)
        : await this.ensure({ ...owner.parent, title: owner.parent.ownerId }, null);
      parentPath = parentFolder.storagePath;
    }
    return this.ensure(owner, parentPath);
  }

  /** `POST /folders`: 409 `folder_exists` when the owner has one; the parent must be a known folder. */
  async create(
    caller: Caller,
    input: { ownerType: FolderOwnerType; ownerId: string; title: string; parentPath?: string | undefined },
  ): Promise<FolderRow> {
    const parentPath = input.parentPath === undefined ? undefined : assertClientPath(input.parentPath, 'parentPath');
    let parent: FolderRow | undefined;
    if (parentPath !== undefined) {
      parent = await this.db.read((tx) => this.folders.findByPath(tx, parentPath));
      if (!parent || !(await this.canSeeFolder(caller, parent))) {
        throw new Invalid('parentPath is not a folder you can see.', 'invalid_path', {
          errors: [{ field: 'parentPath', message: 'must be the folderPath of an existing folder' }],
        });
      }
    }
    let metadata: Record<string, unknown> = {};
    let naturalParent: string | null = null;
    if (input.ownerType === 'payment') {
      if (!parent || (parent.ownerType !== 'deal' && parent.ownerType !== 'policy')) {
        throw new Invalid('A payment folder needs the parentPath of its deal or policy folder.', 'validation_error', {
          errors: [{ field: 'parentPath', message: 'must be a deal or policy folder' }],
        });
      }
      metadata = { parentOwnerType: parent.ownerType, parentOwnerId: parent.ownerId };
    } else {
      const owner = await this.access.lookup(caller, input.ownerType, input.ownerId);
      if (!owner) throw ownerNotFound(input.ownerType);
      if (!parent && owner.parent) {
        const parentOwner = await this.access.lookup(
          caller,
          owner.parent.ownerType as CrmOwnerType,
          owner.parent.ownerId,
        );
        const folder = parentOwner
          ? await this.ensureChain(caller, parentOwner, 1)
          : await this.ensure({ ...owner.parent, title: owner.parent.ownerId }, null);
        naturalParent = folder.storagePath;
      }
    }
    const existing = await this.db.read((tx) => this.folders.findByOwner(tx, input.ownerType, input.ownerId));
    if (existing) throw folderExists(existing.storagePath);
    const target = { ownerType: input.ownerType, ownerId: input.ownerId, title: input.title };
    const { row, created } = await this.ensureCreated(target, parent?.storagePath ?? naturalParent, metadata);
    // Someone else created it between the check and the insert.
    if (!created) throw folderExists(row.storagePath);
    return row;
  }

  async get(caller: Caller, ownerType: FolderOwnerType, ownerId: string): Promise<FolderRow> {
    const folder = await this.db.read((tx) => this.folders.findByOwner(tx, ownerType, ownerId));
    if (!folder || !(await this.canSeeFolder(caller, folder))) throw folderNotFound();
    return folder;
  }

  async findByOwner(ownerType: FolderOwnerType, ownerId: string): Promise<FolderRow | undefined> {
    return this.db.read((tx) => this.folders.findByOwner(tx, ownerType, ownerId));
  }

  /** A folder is visible when its owner is; a payment folder when its deal's or policy's is. */
  async canSeeFolder(caller: Caller, folder: FolderRow): Promise<boolean> {
    if (caller.isAdmin) return true;
    return this.canSeeOwner(caller, folder.ownerType, folder.ownerId, folder);
  }

  async canSeeOwner(caller: Caller, ownerType: FolderOwnerType, ownerId: string, folder?: FolderRow): Promise<boolean> {
    if (caller.isAdmin) return true;
    if (ownerType !== 'payment') return this.access.canSee(caller, ownerType, ownerId);
    const row = folder ?? (await this.findByOwner(ownerType, ownerId));
    const parentType = row?.metadata.parentOwnerType;
    const parentId = row?.metadata.parentOwnerId;
    if ((parentType !== 'deal' && parentType !== 'policy') || typeof parentId !== 'string') return false;
    return this.access.canSee(caller, parentType, parentId);
  }
}

const folderExists = (folderPath: string) =>
  new Conflict('The owner already has a folder.', 'folder_exists', { details: { folderPath } });
