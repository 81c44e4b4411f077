export const DEFAULT_API_BASE_URL = 'http://localhost:8080/api/v1';

/** The Gateway's public base; inlined at build time by Next (NEXT_PUBLIC_*). */
export function apiBaseUrl(): string {
  const configured = process.env.NEXT_PUBLIC_API_BASE_URL?.trim();
  return (configured || DEFAULT_API_BASE_URL).replace(/\/+$/, '');
}
