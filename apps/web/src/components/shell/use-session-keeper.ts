'use client';

import { useEffect } from 'react';
import { useApiClient } from '@/lib/api';
import { refreshDelayMs, useSessionStore } from '@/stores/session.store';

/**
 * Renews the session shortly before the access cookie expires, so a user in the middle of a form
 * never meets a 401. A failed renewal is left to the next request's own refresh-and-retry.
 */
export function useSessionKeeper(): void {
  const client = useApiClient();
  const expiresAt = useSessionStore((state) => state.expiresAt);

  useEffect(() => {
    if (expiresAt === null) return;
    const timer = setTimeout(
      () => {
        client
          .refreshSession()
          .then((renewed) => {
            if (!renewed) client.endSession('expired');
          })
          .catch(() => undefined);
      },
      refreshDelayMs(expiresAt, Date.now()),
    );
    return () => clearTimeout(timer);
  }, [client, expiresAt]);
}
