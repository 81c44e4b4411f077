import type { ServerResponse } from 'node:http';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Principal } from '@polis/auth-kit';
import { compareStreamIds } from '@polis/cache';
import {
  currentRequestId,
  LOGGER,
  type Logger,
  PROBLEM_CONTENT_TYPE,
  resolveProblem,
  toProblemDetails,
  Unavailable,
} from '@polis/platform';
import { ClientRepository } from '../clients/client.repository.js';
import type { Caller } from '../common/caller.js';
import { CrmDb } from '../common/crm-db.js';
import type { CrmConfig } from '../crm.config.js';
import { CRM_CONFIG } from '../crm.tokens.js';
import { DealRepository } from '../deals/deal.repository.js';
import type { ReplayEntry, ReplayLog } from '../events/replay-log.js';

export const REPLAY_LOG = Symbol('REPLAY_LOG');

/** Entries read per round: bounds the visibility query of one batch. */
const BATCH = 100;

/** The entity an event is about, for the per-caller visibility check. */
function scopeOf(entry: ReplayEntry): { dealId?: string; clientId?: string } {
  const dealId = entry.data.dealId;
  if (typeof dealId === 'string') return { dealId };
  const clientId = entry.data.clientId;
  return typeof clientId === 'string' ? { clientId } : {};
}

function frame(entry: ReplayEntry): string {
  return `id: ${entry.id}\nevent: ${entry.key}\ndata: ${JSON.stringify(entry.data)}\n\n`;
}

interface OpenStream {
  close(): void;
}

/**
 * The `deals` SSE channel (interfaces.md §3): replays the log after `Last-Event-ID`, then tails it;
 * every entry goes out only if the caller may see its deal (or client) at that moment.
 */
@Injectable()
export class DealStreamService implements OnModuleInit {
  private readonly open = new Set<OpenStream>();

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
    fastify.addHook('preClose', async () => {
      for (const stream of [...this.open]) stream.close();
    });
  }

  async serve(
    caller: Caller,
    principal: Principal,
    lastEventId: string | undefined,
    response: ServerResponse,
  ): Promise<void> {
    let closed = false;
    const timers: NodeJS.Timeout[] = [];
    const write = (text: string): void => {
      if (!closed && !response.writableEnded) response.write(text);
    };
    const stream: OpenStream = {
      close: () => {
        if (closed) return;
        closed = true;
        for (const timer of timers) clearTimeout(timer);
        this.open.delete(stream);
        if (!response.writableEnded) response.end();
      },
    };
    this.open.add(stream);
    // The response closes when the client goes away (or the stream ends): stop tailing then.
    response.on('close', stream.close);

    // Where to start is settled before the first byte goes out: once a client has the `retry`
    // hint, nothing appended later can be missed.
    let start: { cursor: string | null; reset: boolean };
    try {
      start = await this.startAfter(lastEventId);
    } catch (error) {
      this.logger.warn({ err: error }, 'the deals replay log is unreachable');
      const problem = toProblemDetails(
        resolveProblem(new Unavailable('The event stream is unavailable; try again shortly.', 'stream_unavailable')),
        { instance: '/internal/v1/streams/deals', traceId: currentRequestId() ?? '' },
      );
      response.writeHead(503, { 'content-type': PROBLEM_CONTENT_TYPE });
      response.end(JSON.stringify(problem));
      stream.close();
      return;
    }
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    write(`retry: ${this.config.sse.retryMs}\n\n`);
    if (start.reset) write(`event: reset\ndata: ${JSON.stringify({ reason: 'replay_unavailable' })}\n\n`);
    timers.push(setInterval(() => write(': ping\n\n'), this.config.sse.keepAliveMs));
    const expiresInMs = principal.expiresAt * 1000 - Date.now();
    timers.push(
      setTimeout(
        () => {
          write(`event: error\ndata: ${JSON.stringify({ code: 'token_expired' })}\n\n`);
          stream.close();
        },
        Math.max(0, Math.min(expiresInMs, 2_147_483_647)),
      ),
    );

    try {
      let cursor = start.cursor;
      while (!closed) {
        const entries = await this.log.wait(cursor, BATCH, this.config.sse.blockMs);
        if (closed || entries.length === 0) continue;
        cursor = entries.at(-1)?.id ?? cursor;
        for (const entry of await this.visible(caller, entries)) write(frame(entry));
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'deals stream failed; closing it');
      write(`event: error\ndata: ${JSON.stringify({ code: 'stream_unavailable' })}\n\n`);
    } finally {
      stream.close();
    }
  }

  /** Where the stream starts: after the client's last id, or at the end (with `reset` when that id is gone). */
  private async startAfter(lastEventId: string | undefined): Promise<{ cursor: string | null; reset: boolean }> {
    if (lastEventId === undefined) return { cursor: await this.log.newestId(), reset: false };
    const oldest = await this.log.oldestId();
    if (oldest !== null && compareStreamIds(lastEventId, oldest) < 0) {
      return { cursor: await this.log.newestId(), reset: true };
    }
    return { cursor: lastEventId, reset: false };
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
