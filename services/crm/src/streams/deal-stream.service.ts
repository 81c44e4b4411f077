import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { LOGGER, type Logger } from '@polis/platform';
import { type PreCloseHooks, SseChannel } from '@polis/sse';
import { ClientRepository } from '../clients/client.repository.js';
import type { Caller } from '../common/caller.js';
import { CrmDb } from '../common/crm-db.js';
import type { CrmConfig } from '../crm.config.js';
import { CRM_CONFIG } from '../crm.tokens.js';
import { DealRepository } from '../deals/deal.repository.js';
import type { ReplayEntry, ReplayLog } from '../events/replay-log.js';

export const REPLAY_LOG = Symbol('REPLAY_LOG');

/** The entity an event is about, for the per-caller visibility check. */
function scopeOf(entry: ReplayEntry): { dealId?: string; clientId?: string } {
  const dealId = entry.data.dealId;
  if (typeof dealId === 'string') return { dealId };
  const clientId = entry.data.clientId;
  return typeof clientId === 'string' ? { clientId } : {};
}

/**
 * The `deals` SSE channel (interfaces.md §3): every entry goes out only if the caller may see its
 * deal (or client) at that moment.
 */
@Injectable()
export class DealStreamService extends SseChannel<Caller> implements OnModuleInit {
  constructor(
    @Inject(CRM_CONFIG) config: CrmConfig,
    @Inject(REPLAY_LOG) log: ReplayLog,
    @Inject(LOGGER) logger: Logger,
    private readonly db: CrmDb,
    private readonly deals: DealRepository,
    private readonly clients: ClientRepository,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    super({ path: '/internal/v1/streams/deals', log, timings: config.sse, logger });
  }

  onModuleInit(): void {
    this.endStreamsOnClose(this.adapterHost.httpAdapter.getInstance<PreCloseHooks>());
  }

  /** The entries the caller may see now: those whose deal (or client) is visible. */
  protected async visible(caller: Caller, entries: ReplayEntry[]): Promise<ReplayEntry[]> {
    const scopes = entries.map(scopeOf);
    const dealIds = [...new Set(scopes.flatMap((scope) => (scope.dealId ? [scope.dealId] : [])))];
    const clientIds = [...new Set(scopes.flatMap((scope) => (scope.clientId ? [scope.clientId] : [])))];
    const { deals, clients } = await this.db.read(caller, async (tx) => ({
      deals: await this.deals.visibleIds(tx, caller, dealIds),
      clients: await this.clients.visibleIds(tx, caller, clientIds),
    }));
    return entries.filter((_entry, index) => {
      const scope = scopes[index] ?? {};
      if (scope.dealId) return deals.has(scope.dealId);
      return scope.clientId !== undefined && clients.has(scope.clientId);
    });
  }
}
