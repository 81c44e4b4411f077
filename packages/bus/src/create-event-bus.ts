import type { BusLogger } from './bus-logger.js';
import type { EventBus } from './event-bus.port.js';
import { createMemoryBus } from './memory.bus.js';
import { createRabbitBus } from './rabbitmq.bus.js';

export interface EventBusOptions {
  /** AMQP URL; without it the in-process bus is used (embedded mode). */
  url?: string;
  /** RabbitMQ only: prefix for every exchange and queue name. */
  prefix?: string;
  /** RabbitMQ only: delete the declared topology on close (tests). */
  temporary?: boolean;
  logger?: BusLogger;
  /** RabbitMQ only: how long a publish waits for confirms. */
  publishTimeoutMs?: number;
}

/** The composition root's single choice of adapter: RabbitMQ when a URL is configured, in-process otherwise. */
export function createEventBus(options: EventBusOptions = {}): EventBus {
  const { url, prefix, temporary, logger, publishTimeoutMs } = options;
  if (url) {
    return createRabbitBus({
      url,
      ...(prefix !== undefined && { prefix }),
      ...(temporary !== undefined && { temporary }),
      ...(logger !== undefined && { logger }),
      ...(publishTimeoutMs !== undefined && { publishTimeoutMs }),
    });
  }
  return createMemoryBus(logger ? { logger } : {});
}
