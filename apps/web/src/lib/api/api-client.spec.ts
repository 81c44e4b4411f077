import { describe, expect, it, vi } from 'vitest';
import { BASE_URL, type FetchCall, fakeFetch, json, problem } from '@/test/render';
import { ApiClient } from './api-client';
import { ApiError } from './api-error';
import { createPolisApi } from './polis-api';

const USER = {
  id: '0b6f3f5e-9a4b-4c53-8d7e-3f1d2c4b5a69',
  email: 'anna@agency.test',
  fullName: 'Анна Петрова',
  phone: null,
  enabled: true,
  status: 'active',
  roles: [{ id: '11111111-1111-1111-1111-111111111111', name: 'ROLE_USER', description: null }],
  telegramLinked: false,
  lastLoginAt: null,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
};

const SESSION = { tokenType: 'Bearer', expiresIn: 900, refreshExpiresIn: 604800 };

function path(call: FetchCall): string {
  return new URL(call.url).pathname.replace('/api/v1', '');
}

/** A promise whose resolution the test controls, to hold a response back. */
function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe('ApiError from problem+json', () => {
  it('carries status, code, detail and field errors', async () => {
    const response = problem(400, 'validation_error', {
      detail: 'The body is not valid',
      errors: [{ field: 'email', message: 'must be an email' }],
    });
    const error = await ApiError.fromResponse(response);
    expect(error).toMatchObject({ status: 400, code: 'validation_error', detail: 'The body is not valid' });
    expect(error.errors).toEqual([{ field: 'email', message: 'must be an email' }]);
    expect(error.fieldError('email')).toBe('must be an email');
  });

  it('reads the wait time of a 429 from the problem details or the Retry-After header', async () => {
    const fromDetails = await ApiError.fromResponse(problem(429, 'rate_limited', { details: { retryAfter: 42 } }));
    expect(fromDetails.retryAfterSeconds).toBe(42);
    const fromHeader = await ApiError.fromResponse(
      new Response('{}', { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '17' } }),
    );
    expect(fromHeader).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 17 });
  });

  it('understands bodies that are not problem+json', async () => {
    const upstream = await ApiError.fromResponse(json({ message: 'upstream_unavailable' }, 503));
    expect(upstream).toMatchObject({ status: 503, code: 'upstream_unavailable' });
    const html = await ApiError.fromResponse(new Response('<h1>Bad gateway</h1>', { status: 502 }));
    expect(html).toMatchObject({ status: 502, code: 'internal_error' });
  });

  it('reports an unreachable server as status 0', async () => {
    const client = new ApiClient({
      baseUrl: BASE_URL,
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    await expect(client.request('GET', '/auth/me')).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });
});

describe('ApiClient headers', () => {
  it('sends the crm_csrf cookie as X-CSRF-Token on unsafe methods only', async () => {
    // biome-ignore lint/suspicious/noDocumentCookie: the readable CSRF cookie the Gateway sets.
    document.cookie = 'crm_csrf=token%2Fvalue';
    const fetch = fakeFetch(() => json(USER));
    const client = new ApiClient({ baseUrl: BASE_URL, fetch });
    await client.request('GET', '/auth/me');
    await client.request('POST', '/users/x/roles', { body: { roleName: 'ROLE_EXECUTOR' } });
    await client.request('PATCH', '/users/x', { body: { enabled: false } });
    await client.request('DELETE', '/users/x/roles/ROLE_EXECUTOR');
    const [get, ...unsafe] = fetch.calls;
    expect(get?.headers.get('x-csrf-token')).toBeNull();
    for (const call of unsafe) expect(call.headers.get('x-csrf-token')).toBe('token/value');
    for (const call of fetch.calls) expect(call.credentials).toBe('include');
  });

  it('asks for cookie mode on login, refresh and activation and reports the session lifetime', async () => {
    const started = vi.fn();
    const fetch = fakeFetch(() => json(SESSION));
    const client = new ApiClient({ baseUrl: BASE_URL, fetch, onSessionStarted: started });
    const api = createPolisApi(client);
    await api.auth.login({ email: ' Anna@Agency.test ', password: 'secret-password' });
    await api.auth.activate({ token: 'activation-token', password: 'new-password-1' });
    await api.auth.refresh();
    expect(fetch.calls.map(path)).toEqual(['/auth/token', '/auth/activate', '/auth/refresh']);
    for (const call of fetch.calls) expect(call.headers.get('x-session-mode')).toBe('cookie');
    expect(fetch.calls[0]?.body).toEqual({ email: 'anna@agency.test', password: 'secret-password' });
    expect(started).toHaveBeenCalledTimes(3);
    expect(started).toHaveBeenCalledWith(900);
  });

  it('validates request bodies with the contract schemas before sending', async () => {
    const fetch = fakeFetch(() => json(SESSION));
    const api = createPolisApi(new ApiClient({ baseUrl: BASE_URL, fetch }));
    const error = await api.auth.activate({ token: 't', password: 'short' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'validation_error' });
    expect((error as ApiError).fieldError('password')).toBeDefined();
    await expect(api.users.invite({ email: 'not-an-email', fullName: 'X', roles: [] })).rejects.toMatchObject({
      code: 'validation_error',
    });
    expect(fetch.calls).toHaveLength(0);
  });

  it('builds query strings for the users list', async () => {
    const fetch = fakeFetch(() => json({ items: [], total: 0 }));
    const api = createPolisApi(new ApiClient({ baseUrl: BASE_URL, fetch }));
    await api.users.list({ search: 'анна', role: 'executor', status: 'active', limit: 20, offset: 40 });
    const url = new URL(fetch.calls[0]?.url ?? '');
    expect(url.pathname).toBe('/api/v1/users');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      search: 'анна',
      role: 'ROLE_EXECUTOR',
      status: 'active',
      limit: '20',
      offset: '40',
    });
  });
});

describe('ApiClient session refresh', () => {
  it('shares ONE refresh between concurrent 401s and retries each request once', async () => {
    const refreshAnswer = deferred<Response>();
    let renewed = false;
    const fetch = fakeFetch((call) => {
      if (path(call) === '/auth/refresh') return refreshAnswer.promise;
      return renewed ? json(USER) : problem(401, 'token_expired');
    });
    const started = vi.fn();
    const client = new ApiClient({ baseUrl: BASE_URL, fetch, onSessionStarted: started });
    const api = createPolisApi(client);

    const results = Promise.all([api.auth.me(), api.users.get(USER.id), api.roles.list()]);
    await vi.waitFor(() => expect(fetch.calls.filter((call) => path(call) === '/auth/refresh')).toHaveLength(1));
    renewed = true;
    refreshAnswer.resolve(json(SESSION));

    await expect(results).resolves.toHaveLength(3);
    const refreshes = fetch.calls.filter((call) => path(call) === '/auth/refresh');
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]?.headers.get('x-session-mode')).toBe('cookie');
    expect(fetch.calls).toHaveLength(7);
    expect(started).toHaveBeenCalledWith(900);
  });

  it('does not refresh again for a request sent before a refresh that already completed', async () => {
    const slowAnswer = deferred<Response>();
    let refreshed = 0;
    const fetch = fakeFetch((call) => {
      if (path(call) === '/auth/refresh') {
        refreshed += 1;
        return json(SESSION);
      }
      if (path(call) === '/roles' && refreshed === 0) return slowAnswer.promise;
      return refreshed > 0 ? json([]) : problem(401, 'token_expired');
    });
    const client = new ApiClient({ baseUrl: BASE_URL, fetch });
    const slow = client.request('GET', '/roles');
    await client.request('GET', '/auth/me');
    slowAnswer.resolve(problem(401, 'token_expired'));
    await expect(slow).resolves.toEqual([]);
    expect(refreshed).toBe(1);
  });

  it('ends the session when the refresh is refused', async () => {
    const ended = vi.fn();
    const fetch = fakeFetch((call) =>
      path(call) === '/auth/refresh' ? problem(401, 'invalid_refresh_token') : problem(401, 'token_expired'),
    );
    const client = new ApiClient({ baseUrl: BASE_URL, fetch, onSessionEnded: ended });
    await expect(client.request('GET', '/auth/me')).rejects.toMatchObject({ status: 401, code: 'token_expired' });
    expect(ended).toHaveBeenCalledWith('expired');
    expect(fetch.calls.map(path)).toEqual(['/auth/me', '/auth/refresh']);
  });

  it('gives up after one retry', async () => {
    const ended = vi.fn();
    const fetch = fakeFetch((call) => (path(call) === '/auth/refresh' ? json(SESSION) : problem(401, 'invalid_token')));
    const client = new ApiClient({ baseUrl: BASE_URL, fetch, onSessionEnded: ended });
    await expect(client.request('GET', '/auth/me')).rejects.toMatchObject({ status: 401 });
    expect(fetch.calls.map(path)).toEqual(['/auth/me', '/auth/refresh', '/auth/me']);
    expect(ended).toHaveBeenCalledWith('expired');
  });

  it('never refreshes for the sign-in call itself', async () => {
    const fetch = fakeFetch(() => problem(401, 'invalid_credentials'));
    const ended = vi.fn();
    const api = createPolisApi(new ApiClient({ baseUrl: BASE_URL, fetch, onSessionEnded: ended }));
    await expect(api.auth.login({ email: 'a@b.test', password: 'wrong' })).rejects.toMatchObject({
      code: 'invalid_credentials',
    });
    expect(fetch.calls).toHaveLength(1);
    expect(ended).not.toHaveBeenCalled();
  });

  it('ends the session when the account was disabled', async () => {
    const ended = vi.fn();
    const fetch = fakeFetch(() => problem(403, 'user_disabled'));
    const client = new ApiClient({ baseUrl: BASE_URL, fetch, onSessionEnded: ended });
    await expect(client.request('GET', '/auth/me')).rejects.toMatchObject({ status: 403, code: 'user_disabled' });
    expect(ended).toHaveBeenCalledWith('disabled');
  });
});

describe('ApiClient addresses', () => {
  it('resolves a relative base against the page origin (web app and Gateway behind one ingress)', () => {
    const client = new ApiClient({ baseUrl: '/api/v1/' });
    expect(client.url('/auth/me', { search: 'анна' })).toBe(
      `${window.location.origin}/api/v1/auth/me?search=%D0%B0%D0%BD%D0%BD%D0%B0`,
    );
  });

  it('keeps an absolute base as it is', () => {
    expect(new ApiClient({ baseUrl: 'https://crm.example.ru/api/v1' }).url('users')).toBe(
      'https://crm.example.ru/api/v1/users',
    );
  });
});
