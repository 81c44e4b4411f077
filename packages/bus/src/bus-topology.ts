/** Names and limits shared by both adapters, so embedded mode behaves like the broker. */

export const DEFAULT_PREFETCH = 20;
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [5_000, 30_000, 300_000];
/** Work queues refuse publishes beyond this many ready messages (`x-overflow: reject-publish`). */
export const MAX_QUEUE_LENGTH = 100_000;
/** Dead letters wait this long for an operator before the broker drops them. */
export const DEAD_LETTER_TTL_MS = 14 * 24 * 60 * 60 * 1000;
export const DEAD_LETTER_EXCHANGE = 'dlx';

export function deadLetterQueueName(queue: string): string {
  return `${queue}.dlq`;
}

/** Named by delay, not by position, so a subscriber with other delays never redeclares a tier with another TTL. */
export function retryQueueName(queue: string, delayMs: number): string {
  return `${queue}.retry.${delayMs}`;
}

/** Adapter-only hook for tests and tools: publishes a body as is, bypassing the envelope. */
export interface RawPublisher {
  publishRaw(exchange: string, routingKey: string, body: string | Uint8Array): Promise<void>;
}

export function validateSubscribeOptions(options: {
  queue: string;
  exchange: string;
  bindings: string[];
  prefetch?: number;
  retryDelaysMs?: number[];
}): { prefetch: number; retryDelaysMs: readonly number[] } {
  if (options.queue.trim() === '') throw new Error('subscribe: queue name is empty');
  if (options.exchange.trim() === '') throw new Error('subscribe: exchange name is empty');
  if (options.bindings.length === 0) throw new Error(`subscribe: queue ${options.queue} has no bindings`);
  const prefetch = options.prefetch ?? DEFAULT_PREFETCH;
  if (!Number.isInteger(prefetch) || prefetch < 1) throw new Error(`subscribe: prefetch must be a positive integer`);
  const retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  for (const delay of retryDelaysMs) {
    if (!Number.isInteger(delay) || delay < 0) throw new Error('subscribe: retry delays must be non-negative integers');
  }
  return { prefetch, retryDelaysMs };
}
