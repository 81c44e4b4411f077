'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useTransition } from 'react';
import { type AppLocale, localeCookie } from './locales';

/** Stores the choice in the cookie and re-renders the server components in the new language. */
export function useSwitchLocale() {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const switchLocale = useCallback(
    (locale: AppLocale) => {
      // biome-ignore lint/suspicious/noDocumentCookie: a plain, non-sensitive preference cookie read by the server.
      document.cookie = localeCookie(locale);
      startTransition(() => router.refresh());
    },
    [router],
  );
  return { switchLocale, pending };
}
