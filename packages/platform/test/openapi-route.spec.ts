import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type RunningService, startService } from '../src/index.js';
import { memoryLogger, TestAppModule } from './fixtures.js';

describe('startService with an OpenAPI route list', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startService({
      name: 'things',
      module: TestAppModule.with(),
      port: 0,
      host: '127.0.0.1',
      logger: memoryLogger('things').logger,
      openapi: {
        version: '9.9.9',
        routes: [
          {
            method: 'POST',
            path: '/api/v1/things',
            summary: 'Create a thing',
            body: z.object({ name: z.string() }),
            responses: { 201: { description: 'Created' } },
          },
        ],
      },
    });
  });

  afterAll(async () => {
    await service?.close();
  });

  it('serves the document at /docs/openapi.json, outside every guard', async () => {
    const response = await fetch(`${service.url}/docs/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { info: unknown; paths: Record<string, unknown> };
    expect(document.info).toEqual({ title: 'things', version: '9.9.9' });
    expect(Object.keys(document.paths)).toEqual(['/api/v1/things']);
  });

  it('is absent when the service lists no routes', async () => {
    const plain = await startService({
      name: 'plain',
      module: TestAppModule.with(),
      port: 0,
      host: '127.0.0.1',
      logger: memoryLogger('plain').logger,
    });
    try {
      expect((await fetch(`${plain.url}/docs/openapi.json`)).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
