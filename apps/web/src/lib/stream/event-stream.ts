/** One event received on a stream: `type` is the SSE `event` name (`message` when unnamed). */
export interface StreamEvent {
  type: string;
  id: string | null;
  data: unknown;
}

export type StreamStatus = 'connecting' | 'open' | 'reconnecting' | 'stopped';

/** Why a stream stopped for good: the channel does not exist, too many tabs, no right, no session. */
export type StreamStopReason = 'unavailable' | 'stream_limit' | 'forbidden' | 'session_ended' | 'closed';

/** The part of the browser's EventSource the stream uses (a fake stands in for it in tests). */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  addEventListener(type: string, listener: (event: Event) => void): void;
  close(): void;
}

export type EventSourceFactory = (url: string, init: { withCredentials: boolean }) => EventSourceLike;

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export interface EventStreamDeps {
  /** `${base}/streams/${channel}`. */
  url: string;
  /** Named events to listen for; EventSource only delivers names someone subscribed to. */
  events: readonly string[];
  createEventSource: EventSourceFactory;
  /** The HTTP status the stream answers (EventSource hides it); null when unreachable. */
  probe: (url: string) => Promise<number | null>;
  /** Renews the session cookie; false when the session is over. */
  refreshSession: () => Promise<boolean>;
  onEvent: (event: StreamEvent) => void;
  /** The replay log no longer has our position: everything cached must be reloaded over REST. */
  onReset: () => void;
  onStatus: (status: StreamStatus, reason: StreamStopReason | null) => void;
  backoff?: BackoffOptions;
}

const CONNECTING = 0;
const CLOSED = 2;
const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1_000, maxMs: 30_000 };

/**
 * An SSE subscription that survives drops. Transient drops are left to EventSource's own
 * reconnect (which resends `Last-Event-ID`); when the browser gives up (non-200 answer) the
 * status is probed: 404 and 403 stop for good, 401 refreshes the session, anything else backs off
 * and reconnects with `?lastEventId=` so no event is missed.
 */
export class EventStream {
  private source: EventSourceLike | null = null;
  private lastEventId: string | null = null;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private readonly backoff: BackoffOptions;

  constructor(private readonly deps: EventStreamDeps) {
    this.backoff = deps.backoff ?? DEFAULT_BACKOFF;
  }

  get lastId(): string | null {
    return this.lastEventId;
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(reason: StreamStopReason = 'closed'): void {
    if (this.stopped) return;
    this.stopped = true;
    this.clearTimer();
    this.closeSource();
    this.deps.onStatus('stopped', reason);
  }

  private open(): void {
    if (this.stopped) return;
    this.deps.onStatus(this.attempts === 0 ? 'connecting' : 'reconnecting', null);
    const source = this.deps.createEventSource(this.connectUrl(), { withCredentials: true });
    this.source = source;
    source.onopen = () => {
      if (this.source !== source) return;
      this.attempts = 0;
      this.deps.onStatus('open', null);
    };
    const deliver = (event: Event) => this.deliver(source, event);
    for (const name of new Set(['message', ...this.deps.events])) source.addEventListener(name, deliver);
    source.addEventListener('reset', (event) => {
      if (this.source !== source) return;
      this.remember(event);
      this.deps.onReset();
    });
    source.addEventListener('error', (event) => this.failed(source, event));
  }

  private connectUrl(): string {
    if (this.lastEventId === null) return this.deps.url;
    const url = new URL(this.deps.url);
    url.searchParams.set('lastEventId', this.lastEventId);
    return url.toString();
  }

  private deliver(source: EventSourceLike, event: Event): void {
    if (this.source !== source || !(event instanceof MessageEvent)) return;
    this.remember(event);
    this.deps.onEvent({ type: event.type, id: event.lastEventId || null, data: parseData(event.data) });
  }

  private remember(event: Event): void {
    if (event instanceof MessageEvent && event.lastEventId) this.lastEventId = event.lastEventId;
  }

  /** Both the server's `event: error` frames and connection failures arrive as `error`. */
  private failed(source: EventSourceLike, event: Event): void {
    if (this.source !== source || this.stopped) return;
    if (event instanceof MessageEvent && typeof event.data === 'string') {
      this.closeSource();
      this.serverError(errorCode(event.data));
      return;
    }
    if (source.readyState === CONNECTING) {
      // The browser reconnects by itself and resends Last-Event-ID.
      this.deps.onStatus('reconnecting', null);
      return;
    }
    if (source.readyState === CLOSED) {
      this.closeSource();
      void this.diagnose();
    }
  }

  private serverError(code: string | null): void {
    switch (code) {
      case 'token_expired':
        void this.renewAndReconnect();
        return;
      case 'stream_limit':
        this.stop('stream_limit');
        return;
      case 'forbidden':
        this.stop('forbidden');
        return;
      default:
        this.scheduleReconnect();
    }
  }

  private async diagnose(): Promise<void> {
    const status = await this.deps.probe(this.connectUrl()).catch(() => null);
    if (this.stopped) return;
    if (status === 404) this.stop('unavailable');
    else if (status === 403) this.stop('forbidden');
    else if (status === 401) await this.renewAndReconnect();
    else this.scheduleReconnect();
  }

  private async renewAndReconnect(): Promise<void> {
    let renewed: boolean;
    try {
      renewed = await this.deps.refreshSession();
    } catch {
      this.scheduleReconnect();
      return;
    }
    if (this.stopped) return;
    if (!renewed) {
      this.stop('session_ended');
      return;
    }
    // A stream that keeps refusing fresh sessions must not turn into a refresh loop.
    if (this.attempts === 0) {
      this.attempts = 1;
      this.open();
    } else {
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.clearTimer();
    const delay = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** this.attempts);
    this.attempts += 1;
    this.deps.onStatus('reconnecting', null);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.open();
    }, delay);
  }

  private closeSource(): void {
    this.source?.close();
    this.source = null;
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

function parseData(data: unknown): unknown {
  if (typeof data !== 'string' || data === '') return data;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

function errorCode(data: string): string | null {
  const parsed = parseData(data);
  if (typeof parsed === 'object' && parsed !== null && 'code' in parsed && typeof parsed.code === 'string') {
    return parsed.code;
  }
  return null;
}
