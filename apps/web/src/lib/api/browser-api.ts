import { useSessionStore } from '@/stores/session.store';
import { ApiClient, type SessionEndReason } from './api-client';
import { isPublicPath, loginUrl } from './navigation';
import { createPolisApi, type PolisApi } from './polis-api';

export interface ApiBundle {
  client: ApiClient;
  api: PolisApi;
}

let bundle: ApiBundle | null = null;
let redirecting = false;

function sessionEnded(reason: SessionEndReason): void {
  useSessionStore.getState().ended();
  if (reason === 'logout' || typeof window === 'undefined' || redirecting) return;
  const { pathname, search } = window.location;
  if (isPublicPath(pathname)) return;
  // A full navigation also drops every cached query of the ended session.
  redirecting = true;
  window.location.assign(loginUrl(`${pathname}${search}`, reason));
}

/** The one client of this browser tab, wired to the session store and the login redirect. */
export function browserApi(): ApiBundle {
  if (!bundle) {
    const client = new ApiClient({
      onSessionStarted: (expiresIn) => useSessionStore.getState().started(expiresIn),
      onSessionEnded: sessionEnded,
    });
    bundle = { client, api: createPolisApi(client) };
  }
  return bundle;
}
