import { type Job as BullJob, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { assertQueueName, resolveJobOptions } from './job-options.js';
import type { Job, JobCounts, JobHandler, JobOptions, JobQueue, Jobs } from './jobs.port.js';

export interface BullJobsOptions {
  url: string;
  /** BullMQ key prefix (`DOCUMENTS_REDIS_PREFIX`); keys become `<prefix>:<queue>:...`. Default `bull`. */
  prefix?: string;
  /** Connection errors (no job) and errors thrown by handlers (with the job), before retry or failure. */
  onError?: (error: unknown, job?: Job) => void;
}

// Finished jobs are kept for a while so `counts()` shows recent completions and failures, and
// trimmed so Redis does not grow without bound. Ages are in seconds, as BullMQ takes them.
const keepCompleted = { count: 1_000, age: 24 * 60 * 60 };
const keepFailed = { count: 5_000, age: 7 * 24 * 60 * 60 };

export function createBullJobs(options: BullJobsOptions): Jobs {
  const prefix = options.prefix ?? 'bull';
  const onError = options.onError ?? (() => undefined);
  const queues = new Map<string, BullJobQueue>();
  let pingClient: Redis | null = null;
  let closed = false;
  let closing: Promise<void> | null = null;

  async function shutDown(): Promise<void> {
    const all = [...queues.values()];
    // Workers first, so running jobs finish while their queue's connection is still open.
    await Promise.all(all.map((queue) => queue.closeWorkers()));
    await Promise.all(all.map((queue) => queue.closeQueue()));
    if (pingClient) await pingClient.quit().catch(() => pingClient?.disconnect());
  }

  return {
    kind: 'bullmq',
    queue(name) {
      assertQueueName(name);
      if (closed) throw new Error('Jobs are closed');
      let queue = queues.get(name);
      if (!queue) {
        queue = new BullJobQueue(name, options.url, prefix, onError);
        queues.set(name, queue);
      }
      return queue;
    },
    async ping() {
      if (closed) throw new Error('Jobs are closed');
      // Its own fail-fast connection: BullMQ's worker connections retry forever by design.
      if (!pingClient) {
        pingClient = new Redis(options.url, { maxRetriesPerRequest: 1, lazyConnect: true });
        pingClient.on('error', (error) => onError(error));
      }
      await pingClient.ping();
    },
    close() {
      closed = true;
      closing ??= shutDown();
      return closing;
    },
  };
}

class BullJobQueue implements JobQueue {
  private readonly queue: Queue;
  private readonly workers: Worker[] = [];

  constructor(
    readonly name: string,
    private readonly url: string,
    private readonly prefix: string,
    private readonly onError: (error: unknown, job?: Job) => void,
  ) {
    // Producers fail fast while Redis is down (callers answer 503); only workers wait it out.
    this.queue = new Queue(name, { connection: { url, maxRetriesPerRequest: 1 }, prefix });
    this.queue.on('error', (error) => onError(error));
  }

  async add<T>(name: string, data: T, jobOptions?: JobOptions): Promise<string> {
    const resolved = resolveJobOptions(jobOptions);
    const job = await this.queue.add(name, data, {
      attempts: resolved.attempts,
      backoff: { type: 'exponential', delay: resolved.backoffMs },
      delay: resolved.delayMs,
      // BullMQ's own jobId would also block re-adding while a finished job is kept; deduplication
      // holds only while the job is waiting, delayed or active, which is what the port promises.
      ...(resolved.jobId === undefined ? {} : { deduplication: { id: resolved.jobId } }),
      removeOnComplete: keepCompleted,
      removeOnFail: keepFailed,
    });
    if (job.id === undefined) throw new Error(`BullMQ gave no id to job ${name} on queue ${this.name}`);
    return job.id;
  }

  async process(handler: JobHandler, processOptions: { concurrency?: number } = {}): Promise<void> {
    const concurrency = processOptions.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be an integer >= 1, got ${concurrency}`);
    }
    const worker = new Worker(
      this.name,
      async (bullJob: BullJob) => {
        const job: Job = {
          id: bullJob.id ?? '',
          name: bullJob.name,
          data: bullJob.data,
          attempt: bullJob.attemptsMade + 1,
        };
        try {
          await handler(job);
        } catch (error) {
          this.onError(error, job);
          throw error;
        }
      },
      { connection: { url: this.url, maxRetriesPerRequest: null }, prefix: this.prefix, concurrency },
    );
    worker.on('error', (error) => this.onError(error));
    this.workers.push(worker);
    await worker.waitUntilReady();
  }

  async counts(): Promise<JobCounts> {
    const counts = await this.queue.getJobCounts('waiting', 'delayed', 'active', 'completed', 'failed');
    return {
      waiting: counts.waiting ?? 0,
      delayed: counts.delayed ?? 0,
      active: counts.active ?? 0,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
    };
  }

  async closeWorkers(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }

  async closeQueue(): Promise<void> {
    await this.queue.close();
  }
}
