import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiProvider } from '@/lib/api';
import { json, problem, testApi } from '@/test/render';
import type { EventSourceLike, StreamEvent } from './event-stream';
import { type EventStreamOptions, useEventStream } from './use-event-stream';

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;

/** Stands in for the browser's EventSource; the test drives what the "server" sends. */
class FakeEventSource implements EventSourceLike {
  static instances: FakeEventSource[] = [];
  readyState = CONNECTING;
  onopen: ((event: Event) => void) | null = null;
  closed = false;
  private readonly listeners = new Map<string, Set<(event: Event) => void>>();

  constructor(
    readonly url: string,
    readonly init: { withCredentials: boolean },
  ) {
    FakeEventSource.instances.push(this);
  }

  static latest(): FakeEventSource {
    const last = FakeEventSource.instances.at(-1);
    if (!last) throw new Error('no EventSource was created');
    return last;
  }

  addEventListener(type: string, listener: (event: Event) => void): void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener);
    this.listeners.set(type, set);
  }

  close(): void {
    this.closed = true;
    this.readyState = CLOSED;
  }

  open(): void {
    this.readyState = OPEN;
    this.onopen?.(new Event('open'));
  }

  send(type: string, data: unknown, id = ''): void {
    const event = new MessageEvent(type, { data: JSON.stringify(data), lastEventId: id });
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }

  /** A connection failure: CONNECTING = the browser retries itself, CLOSED = it gave up. */
  fail(readyState: typeof CONNECTING | typeof CLOSED): void {
    this.readyState = readyState;
    for (const listener of this.listeners.get('error') ?? []) listener(new Event('error'));
  }
}

const STREAM_URL = 'http://gateway.test/api/v1/streams/deals';

interface SetupOptions extends Partial<EventStreamOptions> {
  probeStatus?: number;
  refreshOk?: boolean;
  onSessionEnded?: () => void;
}

function setup(options: SetupOptions = {}) {
  const { probeStatus = 503, refreshOk = true, onSessionEnded, ...hookOptions } = options;
  const api = testApi(
    (call) => {
      if (call.url.endsWith('/auth/refresh')) {
        return refreshOk ? json({ tokenType: 'Bearer', expiresIn: 900, refreshExpiresIn: 604800 }) : problem(401, 'x');
      }
      return problem(404, 'not_found');
    },
    { onSessionEnded },
  );
  const queryClient = new QueryClient();
  const invalidate = vi.spyOn(queryClient, 'invalidateQueries');
  const probe = vi.fn(async () => probeStatus);
  const events: StreamEvent[] = [];
  const wrapper = ({ children }: { children: ReactNode }) => (
    <ApiProvider value={api}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </ApiProvider>
  );
  const hook = renderHook(
    () =>
      useEventStream('deals', {
        createEventSource: (url, init) => new FakeEventSource(url, init),
        probe,
        backoff: { initialMs: 10, maxMs: 40 },
        onEvent: (event) => events.push(event),
        ...hookOptions,
      }),
    { wrapper },
  );
  return { hook, api, invalidate, probe, events };
}

describe('useEventStream', () => {
  afterEach(() => {
    FakeEventSource.instances = [];
    vi.useRealTimers();
  });

  it('subscribes with credentials, delivers events and invalidates queries by event type', async () => {
    const { hook, invalidate, events } = setup({ invalidate: { 'deal.updated': [['deals'], ['deal-stats']] } });
    const source = FakeEventSource.latest();
    expect(source.url).toBe(STREAM_URL);
    expect(source.init).toEqual({ withCredentials: true });

    act(() => source.open());
    expect(hook.result.current.status).toBe('open');
    act(() => source.send('deal.updated', { dealId: 'd1' }, '17-0'));

    expect(events).toEqual([{ type: 'deal.updated', id: '17-0', data: { dealId: 'd1' } }]);
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ['deals'] });
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ['deal-stats'] });
  });

  it('reconnects with the last event id after the browser gives up', async () => {
    const { hook, probe } = setup({ events: ['deal.created'] });
    const first = FakeEventSource.latest();
    act(() => {
      first.open();
      first.send('deal.created', { dealId: 'd1' }, '41-0');
      first.send('deal.created', { dealId: 'd2' }, '42-0');
      first.fail(CLOSED);
    });

    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(2));
    expect(probe).toHaveBeenCalledTimes(1);
    expect(first.closed).toBe(true);
    expect(FakeEventSource.latest().url).toBe(`${STREAM_URL}?lastEventId=42-0`);
    act(() => FakeEventSource.latest().open());
    expect(hook.result.current.status).toBe('open');
  });

  it('leaves transient drops to the browser, which resends Last-Event-ID itself', async () => {
    const { hook, probe } = setup();
    act(() => {
      FakeEventSource.latest().open();
      FakeEventSource.latest().fail(CONNECTING);
    });
    expect(hook.result.current.status).toBe('reconnecting');
    expect(FakeEventSource.instances).toHaveLength(1);
    expect(probe).not.toHaveBeenCalled();
  });

  it('stops for good when the stream answers 404', async () => {
    vi.useFakeTimers();
    const { hook, probe } = setup({ probeStatus: 404 });
    await act(async () => {
      FakeEventSource.latest().fail(CLOSED);
      await vi.advanceTimersByTimeAsync(60_000);
    });
    expect(hook.result.current).toEqual({ status: 'stopped', stopReason: 'unavailable' });
    expect(probe).toHaveBeenCalledTimes(1);
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('stops on a stream_limit frame without reconnecting', async () => {
    vi.useFakeTimers();
    const { hook } = setup();
    const source = FakeEventSource.latest();
    await act(async () => {
      source.open();
      source.send('error', { code: 'stream_limit' });
      await vi.advanceTimersByTimeAsync(60_000);
    });
    expect(hook.result.current).toEqual({ status: 'stopped', stopReason: 'stream_limit' });
    expect(source.closed).toBe(true);
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('refreshes the session on token_expired and resumes from the last id', async () => {
    const { api } = setup({ events: ['deal.updated'] });
    const source = FakeEventSource.latest();
    act(() => {
      source.open();
      source.send('deal.updated', { dealId: 'd1' }, '7-0');
      source.send('error', { code: 'token_expired' });
    });
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(2));
    expect(api.fetch.calls.map((call) => new URL(call.url).pathname)).toEqual(['/api/v1/auth/refresh']);
    expect(source.closed).toBe(true);
    expect(FakeEventSource.latest().url).toBe(`${STREAM_URL}?lastEventId=7-0`);
  });

  it('stops and ends the session when it cannot be refreshed', async () => {
    const ended = vi.fn();
    const { hook } = setup({ refreshOk: false, onSessionEnded: ended });
    act(() => FakeEventSource.latest().send('error', { code: 'token_expired' }));
    await waitFor(() => expect(hook.result.current).toEqual({ status: 'stopped', stopReason: 'session_ended' }));
    expect(FakeEventSource.instances).toHaveLength(1);
    expect(ended).toHaveBeenCalledWith('expired');
  });

  it('invalidates every query on reset (the replay log lost our position)', async () => {
    const { invalidate } = setup();
    act(() => FakeEventSource.latest().send('reset', { reason: 'replay_unavailable' }, '99-0'));
    expect(invalidate).toHaveBeenCalledWith();
  });

  it('backs off between failed reconnects', async () => {
    vi.useFakeTimers();
    setup({ probeStatus: 503 });
    await act(async () => {
      FakeEventSource.latest().fail(CLOSED);
      await vi.advanceTimersByTimeAsync(9);
    });
    expect(FakeEventSource.instances).toHaveLength(1);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1);
    });
    expect(FakeEventSource.instances).toHaveLength(2);
    await act(async () => {
      FakeEventSource.latest().fail(CLOSED);
      await vi.advanceTimersByTimeAsync(19);
    });
    expect(FakeEventSource.instances).toHaveLength(2);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1);
    });
    expect(FakeEventSource.instances).toHaveLength(3);
  });

  it('closes the stream on unmount', () => {
    const { hook } = setup();
    const source = FakeEventSource.latest();
    hook.unmount();
    expect(source.closed).toBe(true);
  });
});
