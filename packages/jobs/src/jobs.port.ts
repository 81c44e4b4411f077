export interface JobOptions {
  /** Run no earlier than this many ms from now. */
  delayMs?: number;
  /** Total tries including the first. Default 3. */
  attempts?: number;
  /** Exponential backoff base: retry n waits backoffMs * 2^(n-1). Default 1000. */
  backoffMs?: number;
  /** Deduplication key: adding a job whose id is already queued or running adds nothing. */
  jobId?: string;
}

export interface Job<T = unknown> {
  id: string;
  name: string;
  data: T;
  /** 1 on the first try. */
  attempt: number;
}

export type JobHandler = (job: Job) => Promise<void>;

export interface JobCounts {
  waiting: number;
  delayed: number;
  active: number;
  completed: number;
  failed: number;
}

export interface JobQueue {
  readonly name: string;
  add<T>(name: string, data: T, options?: JobOptions): Promise<string>;
  /** Starts a worker on this queue; a handler that throws is retried with backoff until attempts run out. */
  process(handler: JobHandler, options?: { concurrency?: number }): Promise<void>;
  counts(): Promise<JobCounts>;
}

/** Background jobs port. Adapters: BullMQ over Redis, and in-process. Queue names never contain ':'. */
export interface Jobs {
  readonly kind: 'bullmq' | 'memory';
  queue(name: string): JobQueue;
  ping(): Promise<void>;
  /** Stops workers (running jobs finish), then closes connections. */
  close(): Promise<void>;
}
