import { describe, expect, it } from 'vitest';
import { checkReadiness } from './readiness.js';

describe('checkReadiness', () => {
  it('is ok with no checks at all', async () => {
    expect(await checkReadiness({})).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
  });

  it('reports each dependency, bounding a hanging one by the timeout', async () => {
    const report = await checkReadiness(
      {
        db: async () => {},
        redis: async () => {
          throw new Error('ECONNREFUSED');
        },
        bus: () => new Promise<void>(() => {}),
      },
      30,
    );
    expect(report).toEqual({
      status: 'error',
      info: { db: { status: 'up' } },
      error: {
        redis: { status: 'down', message: 'ECONNREFUSED' },
        bus: { status: 'down', message: 'no answer within 30 ms' },
      },
      details: {
        db: { status: 'up' },
        redis: { status: 'down', message: 'ECONNREFUSED' },
        bus: { status: 'down', message: 'no answer within 30 ms' },
      },
    });
  });
});
