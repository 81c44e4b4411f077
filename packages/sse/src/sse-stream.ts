import type { ServerResponse } from 'node:http';
import { compareStreamIds } from '@polis/cache';
import {
  currentRequestId,
  Invalid,
  type Logger,
  PROBLEM_CONTENT_TYPE,
  resolveProblem,
  toProblemDetails,
  Unavailable,
} from '@polis/platform';
import type { ReplayEntry, ReplayLog } from './replay-log.js';

const STREAM_ID = /^\d{1,20}-\d{1,20}$/;

/**
 * The id a client resumes after: the `Last-Event-ID` header wins over `?lastEventId=` (EventSource
 * sends the header on reconnects; the query serves a first connect). 400 when either is not a stream id.
 */
export function resumeIdOf(header: string | undefined, query: unknown): string | undefined {
  const fromHeader = header?.trim();
  if (fromHeader) return checkedId(fromHeader, 'Last-Event-ID');
  if (typeof query !== 'object' || query === null) return undefined;
  const unknownKeys = Object.keys(query).filter((key) => key !== 'lastEventId');
  if (unknownKeys.length > 0) {
    throw new Invalid(`The query is not valid: unknown parameter ${unknownKeys.join(', ')}`, 'validation_error', {
      errors: unknownKeys.map((field) => ({ field, message: 'is not a parameter of this stream' })),
    });
  }
  const value: unknown = Reflect.get(query, 'lastEventId');
  if (value === undefined) return undefined;
  return checkedId(typeof value === 'string' ? value.trim() : '', 'lastEventId');
}

function checkedId(value: string, field: string): string {
  if (STREAM_ID.test(value)) return value;
  throw new Invalid(`The ${field} is not valid: must be an event id such as 1718012345678-0`, 'validation_error', {
    errors: [{ field, message: 'must be an event id such as 1718012345678-0' }],
  });
}

export interface SseStreamOptions {
  log: ReplayLog;
  /** The client's resume id (already validated), or undefined for "from now on". */
  lastEventId: string | undefined;
  /** The `retry:` hint, in ms. */
  retryMs: number;
  /** Interval of the `: ping` keep-alive comment. */
  keepAliveMs: number;
  /** How long one read of the log waits for new entries. */
  blockMs: number;
  /** When the caller's token expires (epoch ms): the stream then says `token_expired` and ends. */
  expiresAtMs: number;
  /** The entries of one batch this caller may see (the per-user filter). */
  visible: (entries: ReplayEntry[]) => Promise<ReplayEntry[]>;
  /** For problem+json `instance` and logs. */
  path: string;
  logger: Logger;
  /** Entries read per round. Default 100. */
  batch?: number;
}

function frame(entry: ReplayEntry): string {
  return `id: ${entry.id}\nevent: ${entry.key}\ndata: ${JSON.stringify(entry.data)}\n\n`;
}

interface OpenStream {
  close(): void;
}

/**
 * Serves SSE channels from replay logs (interfaces.md §3): replays the log after `Last-Event-ID`
 * (or says `reset` when that id has been trimmed away), then tails it; each batch goes through the
 * caller's visibility filter. Keeps a registry of open streams so a closing server can end them.
 */
export class SseStreams {
  private readonly open = new Set<OpenStream>();

  /** Ends every open stream (call it when the server starts closing, so shutdown is quick). */
  closeAll(): void {
    for (const stream of [...this.open]) stream.close();
  }

  get size(): number {
    return this.open.size;
  }

  async serve(response: ServerResponse, options: SseStreamOptions): Promise<void> {
    const { log, logger } = options;
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
      start = await startAfter(log, options.lastEventId);
    } catch (error) {
      logger.warn({ err: error, path: options.path }, 'the SSE replay log is unreachable');
      const problem = toProblemDetails(
        resolveProblem(new Unavailable('The event stream is unavailable; try again shortly.', 'stream_unavailable')),
        { instance: options.path, traceId: currentRequestId() ?? '' },
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
    write(`retry: ${options.retryMs}\n\n`);
    if (start.reset) write(`event: reset\ndata: ${JSON.stringify({ reason: 'replay_unavailable' })}\n\n`);
    timers.push(setInterval(() => write(': ping\n\n'), options.keepAliveMs));
    timers.push(
      setTimeout(
        () => {
          write(`event: error\ndata: ${JSON.stringify({ code: 'token_expired' })}\n\n`);
          stream.close();
        },
        Math.max(0, Math.min(options.expiresAtMs - Date.now(), 2_147_483_647)),
      ),
    );

    try {
      let cursor = start.cursor;
      while (!closed) {
        const entries = await log.wait(cursor, options.batch ?? 100, options.blockMs);
        if (closed || entries.length === 0) continue;
        cursor = entries.at(-1)?.id ?? cursor;
        for (const entry of await options.visible(entries)) write(frame(entry));
      }
    } catch (error) {
      logger.warn({ err: error, path: options.path }, 'SSE stream failed; closing it');
      write(`event: error\ndata: ${JSON.stringify({ code: 'stream_unavailable' })}\n\n`);
    } finally {
      stream.close();
    }
  }
}

/** Where a stream starts: after the client's last id, or at the end (with `reset` when that id is gone). */
async function startAfter(
  log: ReplayLog,
  lastEventId: string | undefined,
): Promise<{ cursor: string | null; reset: boolean }> {
  if (lastEventId === undefined) return { cursor: await log.newestId(), reset: false };
  const oldest = await log.oldestId();
  if (oldest !== null && compareStreamIds(lastEventId, oldest) < 0) {
    return { cursor: await log.newestId(), reset: true };
  }
  return { cursor: lastEventId, reset: false };
}
