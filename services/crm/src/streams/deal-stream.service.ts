import type { ServerResponse } from 'node:http';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Principal } from '@polis/auth-kit';
import { LOGGER, type Logger } from '@polis/platform';
import { SseStreams } from '@polis/sse';
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
 * The `deals` SSE channel (interfaces.md §3): the shared stream logic replays and tails the log;
 * every entry goes out only if the caller may see its deal (or client) at that moment.
 */
@Injectable()
export class DealStreamService implements OnModuleInit {
  private readonly streams = new SseStreams();

  constructor(
    @Inject(CRM_CONFIG) private readonly config: CrmConfig,
    @Inject(REPLAY_LOG) private readonly log: ReplayLog,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly db: CrmDb,
    private readonly deals: DealRepository,
    private readonly clients: ClientRepository,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** Streams never end by themselves: end them when the server starts closing, so shutdown is quick. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<{
      addHook(name: 'preClose', hook: () => Promise<void>): unknown;
    }>();
    fastify.addHook('preClose', async () => this.streams.closeAll());
  }

  serve(
    caller: Caller,
    principal: Principal,
    lastEventId: string | undefined,
    response: ServerResponse,
  ): Promise<void> {
    return this.streams.serve(response, {
      log: this.log,
      lastEventId,
      retryMs: this.config.sse.retryMs,
      keepAliveMs: this.config.sse.keepAliveMs,
      blockMs: this.config.sse.blockMs,
      expiresAtMs: principal.expiresAt * 1000,
      visible: (entries) => this.visible(caller, entries),
      path: '/internal/v1/streams/deals',
      logger: this.logger,
    });
  }

  /** The entries the caller may see now: admins all; others those whose deal (or client) is visible. */
  private async visible(caller: Caller, entries: ReplayEntry[]): Promise<ReplayEntry[]> {
    if (caller.isAdmin) return entries;
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
