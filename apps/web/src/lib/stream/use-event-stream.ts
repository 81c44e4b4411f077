'use client';

import { notifications } from '@mantine/notifications';
import { type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useApiClient } from '@/lib/api';
import {
  type BackoffOptions,
  type EventSourceFactory,
  EventStream,
  type StreamEvent,
  type StreamStatus,
  type StreamStopReason,
} from './event-stream';

export interface StreamToast {
  title: string;
  message: string;
  color?: string;
}

export interface EventStreamOptions {
  onEvent?: (event: StreamEvent) => void;
  /** Query keys to invalidate per event type (`deal.updated` → `[['deals']]`). */
  invalidate?: Readonly<Record<string, readonly QueryKey[]>>;
  /** Further event names to listen for (those in `invalidate` are listened for already). */
  events?: readonly string[];
  /** A toast for an event, or null to stay silent. */
  notify?: (event: StreamEvent) => StreamToast | null;
  enabled?: boolean;
  /** Tests pass a fake EventSource class through this. */
  createEventSource?: EventSourceFactory;
  probe?: (url: string) => Promise<number | null>;
  backoff?: BackoffOptions;
}

export interface EventStreamState {
  status: StreamStatus;
  stopReason: StreamStopReason | null;
}

const browserEventSource: EventSourceFactory = (url, init) => new EventSource(url, init);

/** Reads only the status line: the body of a working stream is never consumed. */
async function probeStatus(url: string): Promise<number | null> {
  const controller = new AbortController();
  try {
    const response = await fetch(url, {
      credentials: 'include',
      headers: { Accept: 'text/event-stream' },
      cache: 'no-store',
      signal: controller.signal,
    });
    return response.status;
  } catch {
    return null;
  } finally {
    controller.abort();
  }
}

/**
 * Subscribes to `${base}/streams/${channel}` for the lifetime of the component: events feed the
 * TanStack Query cache (invalidation by event type) and optional toasts.
 */
export function useEventStream(channel: string, options: EventStreamOptions = {}): EventStreamState {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const [state, setState] = useState<EventStreamState>({ status: 'connecting', stopReason: null });
  // Handlers change on every render; the connection must not.
  const latest = useRef(options);
  latest.current = options;

  const enabled = options.enabled ?? true;
  const eventNames = [...new Set([...Object.keys(options.invalidate ?? {}), ...(options.events ?? [])])].sort();
  const eventsKey = eventNames.join(',');

  useEffect(() => {
    if (!enabled) return;
    const { createEventSource, probe, backoff } = latest.current;
    const stream = new EventStream({
      url: `${client.baseUrl}/streams/${encodeURIComponent(channel)}`,
      events: eventsKey === '' ? [] : eventsKey.split(','),
      createEventSource: createEventSource ?? browserEventSource,
      probe: probe ?? probeStatus,
      refreshSession: async () => {
        const renewed = await client.refreshSession();
        if (!renewed) client.endSession('expired');
        return renewed;
      },
      backoff,
      onEvent: (event) => {
        const current = latest.current;
        for (const queryKey of current.invalidate?.[event.type] ?? []) {
          void queryClient.invalidateQueries({ queryKey });
        }
        const toast = current.notify?.(event);
        if (toast) notifications.show({ title: toast.title, message: toast.message, color: toast.color });
        current.onEvent?.(event);
      },
      onReset: () => void queryClient.invalidateQueries(),
      onStatus: (status, stopReason) => setState({ status, stopReason }),
    });
    stream.start();
    return () => stream.stop();
  }, [channel, client, queryClient, enabled, eventsKey]);

  return state;
}
