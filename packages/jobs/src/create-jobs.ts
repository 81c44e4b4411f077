import { createBullJobs } from './bullmq.jobs.js';
import type { Job, Jobs } from './jobs.port.js';
import { createMemoryJobs } from './memory.jobs.js';

export interface CreateJobsOptions {
  /** Redis URL (`REDIS_URL`); without it jobs run in this process. */
  url?: string;
  /** BullMQ key prefix; the in-process adapter has nothing to prefix. */
  prefix?: string;
  onError?: (error: unknown, job?: Job) => void;
}

/** The composition root's one switch between BullMQ (distributed) and in-process jobs (embedded). */
export function createJobs(options: CreateJobsOptions = {}): Jobs {
  const { url, prefix, onError } = options;
  return url ? createBullJobs({ url, prefix, onError }) : createMemoryJobs({ onError });
}
