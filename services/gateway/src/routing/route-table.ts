import { UPSTREAM_CATALOGUE, type UpstreamName } from './upstreams.js';

/** Who may pass the Gateway: anyone, a signed-in user (or service), or an administrator. */
export type Access = 'public' | 'user' | 'admin';

/** Auth routes whose tokens the Gateway moves into cookies, or whose cookies it reads or clears. */
export type SessionAction = 'issue' | 'refresh' | 'logout';

export interface ResolvedRoute {
  upstream: UpstreamName;
  access: Access;
  session?: SessionAction;
  /** A file upload (document content, payments import): the bigger body limit and timeout apply. */
  upload: boolean;
  /** Counts against the per-IP login limit. */
  login: boolean;
}

export const API_PREFIX = '/api/v1/';

const PREFIX_OWNERS = new Map<string, UpstreamName>();
for (const [name, { prefixes }] of Object.entries(UPSTREAM_CATALOGUE) as Array<
  [UpstreamName, { prefixes: readonly string[] }]
>) {
  for (const prefix of prefixes) PREFIX_OWNERS.set(prefix, name);
}

/** interfaces.md §1.1: the Auth routes reachable without a token, with what the Gateway does around them. */
const PUBLIC_ROUTES = new Map<string, SessionAction | null>([
  ['POST /api/v1/auth/token', 'issue'],
  ['POST /api/v1/auth/activate', 'issue'],
  ['POST /api/v1/auth/refresh', 'refresh'],
  ['POST /api/v1/auth/register', null],
  ['GET /api/v1/auth/jwks', null],
  ['HEAD /api/v1/auth/jwks', null],
]);

const LOGIN_ROUTE = 'POST /api/v1/auth/token';
const ADMIN_UPSTREAMS = new Set<UpstreamName>(['audit', 'backup']);
const UPLOAD_ROUTES = [/^(PUT|POST) \/api\/v1\/documents\/[^/]+\/content$/, /^POST \/api\/v1\/crm\/payments\/import$/];
/**
 * Routes whose link carries its own credential in `?token=` (a signed, expiring document link; a
 * revocable calendar feed token), opened by browsers and calendar apps without a session: the
 * Gateway lets them through and the owning service checks the token. Without `token` they are
 * ordinary signed-in routes.
 */
const SIGNED_ROUTES = [
  /^(GET|HEAD|PUT) \/api\/v1\/documents\/[^/]+\/content$/,
  /^GET \/api\/v1\/tasks\/calendar\.ics$/,
];
const DOT_SEGMENT = /(^|\/)\.\.?(\/|$)/;

/** True when the path, decoded, would climb out of where it seems to point. */
export function hasDotSegments(path: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return true;
  }
  return DOT_SEGMENT.test(decoded) || decoded.includes('\\');
}

/**
 * Which upstream owns `/api/v1/<prefix>/...`, and what the Gateway must check first. The path is
 * forwarded unchanged, so an unknown prefix (including `internal`) has no owner and answers 404.
 * `signed` tells whether the query carries a `token` parameter.
 */
export function resolveRoute(method: string, path: string, signed = false): ResolvedRoute | undefined {
  if (!path.startsWith(API_PREFIX)) return undefined;
  const end = path.indexOf('/', API_PREFIX.length);
  const prefix = path.slice(API_PREFIX.length, end < 0 ? undefined : end);
  const upstream = PREFIX_OWNERS.get(prefix);
  if (upstream === undefined) return undefined;
  const key = `${method} ${path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path}`;
  const session = PUBLIC_ROUTES.get(key);
  if (session !== undefined) {
    const route: ResolvedRoute = { upstream, access: 'public', upload: false, login: key === LOGIN_ROUTE };
    if (session !== null) route.session = session;
    return route;
  }
  const signedRoute = signed && SIGNED_ROUTES.some((pattern) => pattern.test(key));
  const route: ResolvedRoute = {
    upstream,
    access: signedRoute ? 'public' : ADMIN_UPSTREAMS.has(upstream) ? 'admin' : 'user',
    upload: UPLOAD_ROUTES.some((pattern) => pattern.test(key)),
    login: false,
  };
  if (method === 'POST' && key === 'POST /api/v1/auth/logout') route.session = 'logout';
  return route;
}
