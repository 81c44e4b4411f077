import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

interface SessionState {
  /** Epoch ms when the access cookie expires; null when signed out or unknown. */
  expiresAt: number | null;
  started: (expiresInSeconds: number) => void;
  ended: () => void;
}

/**
 * Only the expiry is kept (the tokens are httpOnly cookies): it lets a reloaded tab schedule the
 * next proactive refresh.
 */
export const useSessionStore = create<SessionState>()(
  persist(
    (set) => ({
      expiresAt: null,
      started: (expiresInSeconds) => set({ expiresAt: Date.now() + expiresInSeconds * 1000 }),
      ended: () => set({ expiresAt: null }),
    }),
    { name: 'polis_session', storage: createJSONStorage(() => window.localStorage) },
  ),
);

/** Refresh a minute before expiry, or half-way through a short-lived token, never sooner than 5 s. */
export function refreshDelayMs(expiresAt: number, now: number): number {
  const remaining = expiresAt - now;
  const lead = Math.min(60_000, remaining / 2);
  return Math.max(5_000, remaining - lead);
}
