import type { JobOptions } from './jobs.port.js';

export const defaultAttempts = 3;
export const defaultBackoffMs = 1_000;

export interface ResolvedJobOptions {
  delayMs: number;
  attempts: number;
  backoffMs: number;
  jobId: string | undefined;
}

/** Applies the port's defaults and rejects values both adapters would otherwise treat differently. */
export function resolveJobOptions(options: JobOptions = {}): ResolvedJobOptions {
  const attempts = options.attempts ?? defaultAttempts;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new RangeError(`attempts must be an integer >= 1, got ${attempts}`);
  }
  const delayMs = options.delayMs ?? 0;
  if (!Number.isFinite(delayMs) || delayMs < 0) throw new RangeError(`delayMs must be >= 0, got ${delayMs}`);
  const backoffMs = options.backoffMs ?? defaultBackoffMs;
  if (!Number.isFinite(backoffMs) || backoffMs < 0) throw new RangeError(`backoffMs must be >= 0, got ${backoffMs}`);
  if (options.jobId === '') throw new RangeError('jobId must not be empty');
  return { delayMs: Math.ceil(delayMs), attempts, backoffMs: Math.ceil(backoffMs), jobId: options.jobId };
}

/** Wait before retry n (1 = the first retry): backoffMs * 2^(n-1), as the port and BullMQ define it. */
export function backoffDelay(backoffMs: number, retry: number): number {
  return backoffMs * 2 ** (retry - 1);
}

export function assertQueueName(name: string): void {
  if (name.length === 0 || name.includes(':')) {
    throw new RangeError(`queue name must be non-empty and contain no ':', got "${name}"`);
  }
}
