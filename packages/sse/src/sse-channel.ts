import type { ServerResponse } from 'node:http';
import type { Logger } from '@polis/platform';
import type { ReplayEntry, ReplayLog } from './replay-log.js';
import { SseStreams } from './sse-stream.js';

/** The stream timings of a channel's config. */
export interface SseTimings {
  retryMs: number;
  keepAliveMs: number;
  blockMs: number;
}

/** The server hook a channel needs (Fastify's `preClose`). */
export interface PreCloseHooks {
  addHook(name: 'preClose', hook: () => Promise<void>): unknown;
}

/**
 * One SSE channel of a service (interfaces.md §3): replays and tails its log, and sends each entry
 * only to callers who may see it at that moment (`visible`; admins see everything).
 */
export abstract class SseChannel<C extends { isAdmin: boolean }> {
  private readonly streams = new SseStreams();

  protected constructor(
    private readonly channel: { path: string; log: ReplayLog; timings: SseTimings; logger: Logger },
  ) {}

  /** Streams never end by themselves: end them when the server starts closing, so shutdown is quick. */
  protected endStreamsOnClose(server: PreCloseHooks): void {
    server.addHook('preClose', async () => this.streams.closeAll());
  }

  /** Serves the stream until the client leaves, the token (expiring at `expiresAt`, epoch s) expires or the server closes. */
  serve(caller: C, expiresAt: number, lastEventId: string | undefined, response: ServerResponse): Promise<void> {
    const { path, log, timings, logger } = this.channel;
    return this.streams.serve(response, {
      log,
      lastEventId,
      retryMs: timings.retryMs,
      keepAliveMs: timings.keepAliveMs,
      blockMs: timings.blockMs,
      expiresAtMs: expiresAt * 1000,
      visible: (entries) => (caller.isAdmin ? Promise.resolve(entries) : this.visible(caller, entries)),
      path,
      logger,
    });
  }

  /** The entries of one batch a caller who is not an admin may see now. */
  protected abstract visible(caller: C, entries: ReplayEntry[]): Promise<ReplayEntry[]>;
}
