import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createJobs, type Job, type Jobs } from '../src/index.js';

// One contract, two adapters: in-process by default, BullMQ on Redis when TEST_BACKEND=real.
const real = process.env.TEST_BACKEND === 'real';
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const prefix = `test-jobs-${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

const opened: Jobs[] = [];

function openJobs(): Jobs {
  const jobs = real ? createJobs({ url: redisUrl, prefix }) : createJobs({ prefix });
  opened.push(jobs);
  return jobs;
}

let queueCounter = 0;
function queueName(topic: string): string {
  queueCounter += 1;
  return `${topic}_${queueCounter}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

// Timers may fire a millisecond or so early after rounding; lower bounds allow for that, nothing more.
const timerSlackMs = 10;

afterEach(async () => {
  await Promise.all(opened.splice(0).map((jobs) => jobs.close()));
});

afterAll(async () => {
  if (!real) return;
  const admin = new Redis(redisUrl);
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await admin.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    if (keys.length > 0) await admin.del(...keys);
  } finally {
    await admin.quit();
  }
});

describe(`Jobs contract (${real ? 'bullmq' : 'memory'})`, () => {
  it('reports its kind, answers ping and returns one queue per name', async () => {
    const jobs = openJobs();
    expect(jobs.kind).toBe(real ? 'bullmq' : 'memory');
    await expect(jobs.ping()).resolves.toBeUndefined();
    const name = queueName('same');
    expect(jobs.queue(name)).toBe(jobs.queue(name));
    expect(jobs.queue(name).name).toBe(name);
    expect(() => jobs.queue('documents:tasks')).toThrow(RangeError);
  });

  it('runs a job with its data', async () => {
    const queue = openJobs().queue(queueName('run'));
    const seen: Job[] = [];
    await queue.process(async (job) => {
      seen.push(job);
    });
    const id = await queue.add('documents.upload', { documentId: 'd-1', tags: ['a', 'b'], size: 3 });
    await waitFor(() => seen.length === 1);
    expect(seen[0]).toEqual({
      id,
      name: 'documents.upload',
      data: { documentId: 'd-1', tags: ['a', 'b'], size: 3 },
      attempt: 1,
    });
    await waitFor(async () => (await queue.counts()).completed === 1);
    expect(await queue.counts()).toEqual({ waiting: 0, delayed: 0, active: 0, completed: 1, failed: 0 });
  });

  it('holds a delayed job until its delay has passed', async () => {
    const queue = openJobs().queue(queueName('delayed'));
    let ranAt: number | null = null;
    await queue.process(async () => {
      ranAt = Date.now();
    });
    const delayMs = 150;
    const addedAt = Date.now();
    await queue.add('reminder', { taskId: 't-1' }, { delayMs });
    const early = await queue.counts();
    if (ranAt === null) expect(early.delayed).toBe(1);
    await waitFor(() => ranAt !== null);
    expect((ranAt ?? 0) - addedAt).toBeGreaterThanOrEqual(delayMs - timerSlackMs);
    await waitFor(async () => (await queue.counts()).completed === 1);
  });

  it('retries a failing job with exponential backoff until it succeeds', async () => {
    const queue = openJobs().queue(queueName('retry'));
    const tries: { attempt: number; at: number }[] = [];
    await queue.process(async (job) => {
      tries.push({ attempt: job.attempt, at: Date.now() });
      if (job.attempt < 3) throw new Error(`transient failure ${job.attempt}`);
    });
    const backoffMs = 30;
    await queue.add('documents.sync', { folder: 'deals/1' }, { attempts: 3, backoffMs });
    await waitFor(async () => (await queue.counts()).completed === 1);
    expect(tries.map((entry) => entry.attempt)).toEqual([1, 2, 3]);
    const [first, second, third] = tries as [(typeof tries)[0], (typeof tries)[0], (typeof tries)[0]];
    expect(second.at - first.at).toBeGreaterThanOrEqual(backoffMs - timerSlackMs);
    expect(third.at - second.at).toBeGreaterThanOrEqual(2 * backoffMs - timerSlackMs);
    expect((await queue.counts()).failed).toBe(0);
  });

  it('ends a job that always fails as failed after its attempts', async () => {
    const queue = openJobs().queue(queueName('fail'));
    const attempts: number[] = [];
    await queue.process(async (job) => {
      attempts.push(job.attempt);
      throw new Error('permanent failure');
    });
    await queue.add('documents.upload', { documentId: 'broken' }, { attempts: 2, backoffMs: 10 });
    await waitFor(async () => (await queue.counts()).failed === 1);
    expect(attempts).toEqual([1, 2]);
    expect(await queue.counts()).toEqual({ waiting: 0, delayed: 0, active: 0, completed: 0, failed: 1 });
  });

  it('never runs more handlers at once than the concurrency allows', async () => {
    const queue = openJobs().queue(queueName('concurrency'));
    const total = 6;
    let running = 0;
    let started = 0;
    let finished = 0;
    let maxRunning = 0;
    for (let i = 0; i < total; i += 1) await queue.add('work', { i });
    await queue.process(
      async () => {
        running += 1;
        started += 1;
        maxRunning = Math.max(maxRunning, running);
        // Give a partner the chance to start, so the test sees the limit reached, not just respected.
        await waitFor(() => running >= 2 || started >= total, 2_000).catch(() => undefined);
        await sleep(10);
        running -= 1;
        finished += 1;
      },
      { concurrency: 2 },
    );
    await waitFor(() => finished === total);
    expect(maxRunning).toBe(2);
  });

  it('adds nothing for a jobId that is already pending, and accepts it again once done', async () => {
    const queue = openJobs().queue(queueName('dedup'));
    const first = await queue.add('permissions.sync', { version: 1 }, { jobId: 'owner-42' });
    const duplicate = await queue.add('permissions.sync', { version: 2 }, { jobId: 'owner-42' });
    expect(duplicate).toBe(first);
    expect((await queue.counts()).waiting).toBe(1);

    const seen: unknown[] = [];
    await queue.process(async (job) => {
      seen.push(job.data);
    });
    await waitFor(async () => (await queue.counts()).completed === 1);
    expect(seen).toEqual([{ version: 1 }]);

    const again = await queue.add('permissions.sync', { version: 3 }, { jobId: 'owner-42' });
    expect(again).not.toBe(first);
    await waitFor(() => seen.length === 2);
    expect(seen[1]).toEqual({ version: 3 });
  });

  it('deduplicates a jobId while its job is delayed or running', async () => {
    const queue = openJobs().queue(queueName('dedup-active'));
    let release = false;
    let runs = 0;
    await queue.process(async () => {
      runs += 1;
      await waitFor(() => release);
    });
    const delayed = await queue.add('sync', {}, { jobId: 'folder-1', delayMs: 60 });
    expect(await queue.add('sync', {}, { jobId: 'folder-1' })).toBe(delayed);
    await waitFor(() => runs === 1);
    expect(await queue.add('sync', {}, { jobId: 'folder-1' })).toBe(delayed);
    release = true;
    await waitFor(async () => (await queue.counts()).completed === 1);
    expect(runs).toBe(1);
  });

  it('close waits for a running job to finish', async () => {
    const jobs = openJobs();
    const queue = jobs.queue(queueName('close'));
    let started = false;
    let finished = false;
    await queue.process(async () => {
      started = true;
      await sleep(100);
      finished = true;
    });
    await queue.add('slow', {});
    await waitFor(() => started);
    await jobs.close();
    expect(finished).toBe(true);
  });

  it('rejects invalid options', async () => {
    const queue = openJobs().queue(queueName('invalid'));
    await expect(queue.add('x', {}, { attempts: 0 })).rejects.toThrow(RangeError);
    await expect(queue.add('x', {}, { delayMs: -1 })).rejects.toThrow(RangeError);
    await expect(queue.process(async () => undefined, { concurrency: 0 })).rejects.toThrow(RangeError);
  });
});
