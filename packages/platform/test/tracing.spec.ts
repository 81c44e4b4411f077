import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningService, startService, startTracing, type TracingHandle } from '../src/index.js';
import { memoryLogger, TestAppModule, waitFor } from './fixtures.js';

describe('startTracing without an OTLP endpoint', () => {
  it('starts nothing and returns a handle that does nothing', async () => {
    const previous = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    try {
      const handle = await startTracing({ serviceName: 'untraced' });
      expect(handle.enabled).toBe(false);
      await handle.shutdown();
    } finally {
      if (previous !== undefined) process.env.OTEL_EXPORTER_OTLP_ENDPOINT = previous;
    }
  });
});

describe('startTracing with an OTLP endpoint', () => {
  // Stands in for the OpenTelemetry collector: records what the exporter posts.
  const exports: Array<{ path: string; body: string }> = [];
  let collector: Server;
  let tracing: TracingHandle;
  let service: RunningService;
  const log = memoryLogger('tracing-test');

  beforeAll(async () => {
    collector = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        exports.push({ path: request.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    tracing = await startTracing({ serviceName: 'tracing-test' });
    service = await startService({
      name: 'tracing-test',
      module: TestAppModule.with(),
      port: 0,
      host: '127.0.0.1',
      logger: log.logger,
    });
  });

  afterAll(async () => {
    await service?.close();
    await tracing?.shutdown();
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    await new Promise<void>((resolve) => collector?.close(() => resolve()));
  });

  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const parentSpanId = '00f067aa0ba902b7';

  it('continues the caller’s traceparent: the trace id appears in the request logs', async () => {
    const response = await fetch(`${service.url}/api/v1/things/1`, {
      headers: { traceparent: `00-${traceId}-${parentSpanId}-01`, 'x-request-id': 'traced-1' },
    });
    expect(response.status).toBe(200);
    await waitFor(() => log.records().some((r) => r.request_id === 'traced-1' && r.msg === 'request completed'));
    const lines = log.records().filter((r) => r.request_id === 'traced-1');
    const completion = lines.find((r) => r.msg === 'request completed');
    expect(completion?.trace_id).toBe(traceId);
    expect(completion?.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(completion?.span_id).not.toBe(parentSpanId);
    expect(lines.find((r) => r.msg === 'thing read')?.trace_id).toBe(traceId);
  });

  it('hands the trace and request id on to outgoing calls', async () => {
    const response = await fetch(`${service.url}/api/v1/context/outgoing-headers`, {
      headers: { traceparent: `00-${traceId}-${parentSpanId}-01`, 'x-request-id': 'traced-2' },
    });
    const headers = (await response.json()) as Record<string, string>;
    expect(headers['x-request-id']).toBe('traced-2');
    expect(headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });

  it('exports the spans to the OTLP endpoint under the service name', async () => {
    await tracing.shutdown();
    await waitFor(() => exports.some((e) => e.path === '/v1/traces'));
    const body = exports
      .filter((e) => e.path === '/v1/traces')
      .map((e) => e.body)
      .join('\n');
    expect(body).toContain('tracing-test');
    expect(body).toContain(traceId);
  });
});
