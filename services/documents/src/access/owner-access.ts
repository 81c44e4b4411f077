import { Inject, Injectable } from '@nestjs/common';
import type { Cache } from '@polis/cache';
import type { FolderOwnerType } from '@polis/contracts';
import { CallerHttp } from '@polis/platform';
import type { Caller } from '../common/caller.js';
import type { DocumentsConfig } from '../documents.config.js';
import { CACHE, DOCUMENTS_CONFIG } from '../documents.tokens.js';

/** What CRM says about an owner the caller may see: its display title and its parent in the tree. */
export interface OwnerInfo {
  ownerType: FolderOwnerType;
  ownerId: string;
  title: string;
  parent: { ownerType: FolderOwnerType; ownerId: string } | null;
}

type CrmOwnerType = Exclude<FolderOwnerType, 'payment'>;
const CRM_PATHS: Record<CrmOwnerType, string> = { client: 'clients', deal: 'deals', policy: 'policies' };

function toOwnerInfo(ownerType: CrmOwnerType, ownerId: string, body: Record<string, unknown>): OwnerInfo {
  const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : null);
  if (ownerType === 'client') return { ownerType, ownerId, title: text('name') ?? ownerId, parent: null };
  if (ownerType === 'deal') {
    const clientId = text('clientId');
    return {
      ownerType,
      ownerId,
      title: text('title') ?? ownerId,
      parent: clientId ? { ownerType: 'client', ownerId: clientId } : null,
    };
  }
  const dealId = text('dealId');
  const clientId = text('clientId');
  return {
    ownerType,
    ownerId,
    title: text('policyNumber') ?? ownerId,
    parent: dealId
      ? { ownerType: 'deal', ownerId: dealId }
      : clientId
        ? { ownerType: 'client', ownerId: clientId }
        : null,
  };
}

/**
 * Whether the caller may see a client, deal or policy, asked of CRM with the caller's own token
 * (platform.md §1.3: a folder or document is visible when its owner is). CRM's 404 means "not
 * visible". Answers are cached briefly per user and owner, so a page of documents costs one call
 * per owner; a revoked participant loses access within that time.
 */
@Injectable()
export class OwnerAccess {
  private readonly crm: CallerHttp;

  constructor(
    @Inject(DOCUMENTS_CONFIG) private readonly config: DocumentsConfig,
    @Inject(CACHE) private readonly cache: Cache,
  ) {
    this.crm = new CallerHttp('CRM', config.crm.baseUrl, config.crm.timeoutMs);
  }

  private key(caller: Caller, ownerType: string, ownerId: string): string {
    return `visibility:${caller.actorId}:${ownerType}:${ownerId}`;
  }

  /** The owner as the caller sees it, or null when CRM does not show it to them. */
  async lookup(caller: Caller, ownerType: CrmOwnerType, ownerId: string): Promise<OwnerInfo | null> {
    const ttl = this.config.visibilityCacheTtlMs;
    const key = this.key(caller, ownerType, ownerId);
    if (ttl > 0) {
      const cached = await this.cache.get(key);
      if (cached !== null) return JSON.parse(cached) as OwnerInfo | null;
    }
    const info = await this.ask(caller, ownerType, ownerId);
    if (ttl > 0) await this.cache.set(key, JSON.stringify(info), { ttlMs: ttl });
    return info;
  }

  /** Read access: admins and services see everything without asking. */
  async canSee(caller: Caller, ownerType: CrmOwnerType, ownerId: string): Promise<boolean> {
    if (caller.isAdmin) return true;
    return (await this.lookup(caller, ownerType, ownerId)) !== null;
  }

  private async ask(caller: Caller, ownerType: CrmOwnerType, ownerId: string): Promise<OwnerInfo | null> {
    const path = `/api/v1/crm/${CRM_PATHS[ownerType]}/${encodeURIComponent(ownerId)}`;
    const body = await this.crm.find(caller.token, path, [400, 403, 404]);
    return body === null ? null : toOwnerInfo(ownerType, ownerId, body);
  }
}
