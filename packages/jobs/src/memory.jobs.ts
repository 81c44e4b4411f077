import { assertQueueName, backoffDelay, resolveJobOptions } from './job-options.js';
import type { Job, JobCounts, JobHandler, JobOptions, JobQueue, Jobs } from './jobs.port.js';

interface QueuedJob {
  id: string;
  name: string;
  data: unknown;
  attempts: number;
  backoffMs: number;
  /** Failed tries so far. */
  attemptsMade: number;
  dedupId: string | undefined;
}

interface Worker {
  handler: JobHandler;
  concurrency: number;
  running: number;
}

export interface MemoryJobsOptions {
  /** Errors thrown by handlers, before the job is retried or failed. */
  onError?: (error: unknown, job?: Job) => void;
}

/**
 * In-process jobs with BullMQ's semantics: delays, retries with exponential backoff, failed after
 * the last attempt, jobId deduplication while a job is pending, per-worker concurrency. Jobs live
 * only as long as the process.
 */
export function createMemoryJobs(options: MemoryJobsOptions = {}): Jobs {
  const queues = new Map<string, MemoryJobQueue>();
  let closed = false;
  let closing: Promise<void> | null = null;

  return {
    kind: 'memory',
    queue(name) {
      assertQueueName(name);
      if (closed) throw new Error('Jobs are closed');
      let queue = queues.get(name);
      if (!queue) {
        queue = new MemoryJobQueue(name, options.onError);
        queues.set(name, queue);
      }
      return queue;
    },
    async ping() {
      if (closed) throw new Error('Jobs are closed');
    },
    close() {
      closed = true;
      closing ??= Promise.all([...queues.values()].map((queue) => queue.close())).then(() => undefined);
      return closing;
    },
  };
}

class MemoryJobQueue implements JobQueue {
  private readonly waiting: QueuedJob[] = [];
  private readonly delayed = new Map<QueuedJob, NodeJS.Timeout>();
  private readonly active = new Map<QueuedJob, Promise<void>>();
  private readonly pendingByDedupId = new Map<string, QueuedJob>();
  private readonly workers: Worker[] = [];
  private completed = 0;
  private failed = 0;
  private nextId = 1;
  private closed = false;

  constructor(
    readonly name: string,
    private readonly onError: MemoryJobsOptions['onError'],
  ) {}

  async add<T>(name: string, data: T, jobOptions?: JobOptions): Promise<string> {
    if (this.closed) throw new Error(`Queue ${this.name} is closed`);
    const resolved = resolveJobOptions(jobOptions);
    if (resolved.jobId !== undefined) {
      const pending = this.pendingByDedupId.get(resolved.jobId);
      if (pending) return pending.id;
    }
    const job: QueuedJob = {
      id: String(this.nextId++),
      name,
      // Stored as BullMQ stores it (JSON), so handlers see the same shapes in both modes.
      data: JSON.parse(JSON.stringify(data === undefined ? {} : data)),
      attempts: resolved.attempts,
      backoffMs: resolved.backoffMs,
      attemptsMade: 0,
      dedupId: resolved.jobId,
    };
    if (job.dedupId !== undefined) this.pendingByDedupId.set(job.dedupId, job);
    if (resolved.delayMs > 0) this.delay(job, resolved.delayMs);
    else this.enqueue(job);
    return job.id;
  }

  async process(handler: JobHandler, processOptions: { concurrency?: number } = {}): Promise<void> {
    if (this.closed) throw new Error(`Queue ${this.name} is closed`);
    const concurrency = processOptions.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be an integer >= 1, got ${concurrency}`);
    }
    this.workers.push({ handler, concurrency, running: 0 });
    this.schedulePump();
  }

  async counts(): Promise<JobCounts> {
    return {
      waiting: this.waiting.length,
      delayed: this.delayed.size,
      active: this.active.size,
      completed: this.completed,
      failed: this.failed,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    await Promise.all(this.active.values());
  }

  private delay(job: QueuedJob, delayMs: number): void {
    const timer = setTimeout(() => {
      this.delayed.delete(job);
      this.enqueue(job);
    }, delayMs);
    // A pending job must not keep the process alive, just as a job left in Redis would not.
    timer.unref();
    this.delayed.set(job, timer);
  }

  private enqueue(job: QueuedJob): void {
    this.waiting.push(job);
    this.schedulePump();
  }

  // Deferred so that `add` returns before its job starts, as with a real queue.
  private schedulePump(): void {
    setImmediate(() => this.pump());
  }

  private pump(): void {
    while (!this.closed && this.waiting.length > 0) {
      const worker = this.workers.find((candidate) => candidate.running < candidate.concurrency);
      if (!worker) return;
      const job = this.waiting.shift() as QueuedJob;
      worker.running += 1;
      const run = this.run(worker, job).finally(() => {
        worker.running -= 1;
        this.active.delete(job);
        this.pump();
      });
      this.active.set(job, run);
    }
  }

  private async run(worker: Worker, job: QueuedJob): Promise<void> {
    const view: Job = { id: job.id, name: job.name, data: job.data, attempt: job.attemptsMade + 1 };
    try {
      await worker.handler(view);
    } catch (error) {
      this.onError?.(error, view);
      job.attemptsMade += 1;
      // A closed in-process queue has no later to retry in, so the job ends failed.
      if (job.attemptsMade < job.attempts && !this.closed) {
        this.delay(job, backoffDelay(job.backoffMs, job.attemptsMade));
        return;
      }
      this.failed += 1;
      this.release(job);
      return;
    }
    this.completed += 1;
    this.release(job);
  }

  private release(job: QueuedJob): void {
    if (job.dedupId !== undefined && this.pendingByDedupId.get(job.dedupId) === job) {
      this.pendingByDedupId.delete(job.dedupId);
    }
  }
}
