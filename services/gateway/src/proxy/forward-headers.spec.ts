import { describe, expect, it } from 'vitest';
import {
  downstreamResponseHeaders,
  rewriteLocation,
  traceContextFor,
  upstreamRequestHeaders,
} from './forward-headers.js';

describe('upstreamRequestHeaders', () => {
  const context = {
    requestId: 'req-1',
    forwardedFor: '10.0.0.1',
    forwardedProto: 'https',
    forwardedHost: 'api.polis.example',
    traceparent: '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01',
    traceId: '0123456789abcdef0123456789abcdef',
  };

  it('drops hop-by-hop, length, expect, identity and client-set forwarding headers', () => {
    const headers = upstreamRequestHeaders(
      {
        host: 'crm:8082',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        upgrade: 'h2c',
        te: 'trailers',
        'content-length': '12',
        expect: '100-continue',
        'x-user-id': 'spoofed',
        'x-user-roles': 'ROLE_ADMIN',
        'x-forwarded-for': '1.2.3.4',
        'x-request-id': 'client',
        'x-csrf-token': 'abc',
        accept: 'application/json',
        cookie: 'crm_access_token=a; theme=dark',
      },
      { ...context, token: 'jwt' },
    );
    expect(headers).toEqual({
      host: 'crm:8082',
      accept: 'application/json',
      cookie: 'theme=dark',
      authorization: 'Bearer jwt',
      'x-request-id': 'req-1',
      traceparent: context.traceparent,
      'x-trace-id': context.traceId,
      'x-forwarded-for': '10.0.0.1',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'api.polis.example',
    });
  });

  it("keeps a public route's own Authorization header when there is no verified token", () => {
    expect(upstreamRequestHeaders({ authorization: 'Basic x' }, context).authorization).toBe('Basic x');
  });
});

describe('traceContextFor', () => {
  it('continues a valid incoming trace with a new span, or starts one', () => {
    const continued = traceContextFor('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00');
    expect(continued.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(continued.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-00$/);
    for (const bad of [undefined, 'garbage', '00-00000000000000000000000000000000-00f067aa0ba902b7-01']) {
      expect(traceContextFor(bad).traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    }
  });
});

describe('response headers', () => {
  it("rewrites only the upstream's own origin in Location", () => {
    const origins = ['http://127.0.0.1:8082', 'http://crm:8082'];
    expect(rewriteLocation('http://crm:8082/api/v1/crm/deals/1?x=1#f', origins, 'https://polis.example')).toBe(
      'https://polis.example/api/v1/crm/deals/1?x=1#f',
    );
    expect(rewriteLocation('http://CRM:8082/a', origins, 'https://polis.example')).toBe('https://polis.example/a');
    expect(rewriteLocation('/api/v1/crm/deals/1', origins, 'https://polis.example')).toBe('/api/v1/crm/deals/1');
    expect(rewriteLocation('https://storage.example/x', origins, 'https://polis.example')).toBe(
      'https://storage.example/x',
    );
  });

  it('drops hop-by-hop and CORS headers of the upstream', () => {
    expect(
      downstreamResponseHeaders(
        {
          connection: 'keep-alive',
          'keep-alive': 'timeout=5',
          'access-control-allow-origin': '*',
          etag: '"1"',
          location: 'http://crm:8082/x',
        },
        { upstreamOrigins: ['http://crm:8082'], publicOrigin: 'https://polis.example' },
      ),
    ).toEqual({ etag: '"1"', location: 'https://polis.example/x' });
  });
});
