import type { SessionEndReason } from './api-client';

/** Pages reachable without a session: a lost session never redirects away from them. */
const PUBLIC_PATHS = ['/login', '/activate'];

export function isPublicPath(pathname: string): boolean {
  return PUBLIC_PATHS.some((path) => pathname === path || pathname.startsWith(`${path}/`));
}

/**
 * The `next` parameter of the login page, reduced to a path of this site: anything else (another
 * origin, `//host`, `/\host`) would make the login page an open redirect.
 */
export function safeNextPath(value: string | null | undefined): string {
  if (!value?.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  if (isPublicPath(value.split(/[?#]/)[0] ?? '')) return '/';
  return value;
}

export function loginUrl(next: string, reason?: Exclude<SessionEndReason, 'logout'>): string {
  const params = new URLSearchParams();
  const target = safeNextPath(next);
  if (target !== '/') params.set('next', target);
  if (reason) params.set('reason', reason);
  const query = params.toString();
  return query ? `/login?${query}` : '/login';
}
