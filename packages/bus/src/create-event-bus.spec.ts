import { describe, expect, it } from 'vitest';
import type { BusLogger } from './bus-logger.js';
import { createEventBus } from './create-event-bus.js';

describe('createEventBus', () => {
  it('answers the in-process bus when no URL is configured', async () => {
    const bus = createEventBus({});
    expect(bus.kind).toBe('memory');
    await bus.ping();
    await bus.close();
  });

  it('answers the RabbitMQ bus when a URL is configured, logging through the given logger', async () => {
    const warnings: string[] = [];
    const logger: BusLogger = {
      info() {},
      warn(_obj, msg) {
        warnings.push(msg ?? '');
      },
      error() {},
    };
    // Port 1 refuses at once: no broker is needed to see the adapter chosen and its logging.
    const bus = createEventBus({ url: 'amqp://guest:guest@127.0.0.1:1', prefix: 'unit', logger, publishTimeoutMs: 50 });
    try {
      expect(bus.kind).toBe('rabbitmq');
      await expect(bus.ping()).rejects.toThrow(/not connected/);
      await expect.poll(() => warnings).toContain('RabbitMQ connection failed; retrying');
    } finally {
      await bus.close();
    }
  });
});
