import type { Cache } from '@polis/cache';
import { ReplayLog as SseReplayLog } from '@polis/sse';

export type { ReplayEntry } from '@polis/sse';

/** The replay log of the `deals` SSE channel (interfaces.md §3.3, §5). */
export const DEALS_STREAM_KEY = 'crm:sse:deals';

/** The shared replay log, keyed `crm:sse:deals` unless told otherwise. */
export class ReplayLog extends SseReplayLog {
  constructor(cache: Cache, maxLen: number, key: string = DEALS_STREAM_KEY) {
    super(cache, maxLen, key);
  }
}
