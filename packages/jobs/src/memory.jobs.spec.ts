import { describe, expect, it } from 'vitest';
import { createMemoryJobs } from './memory.jobs.js';

describe('memory jobs', () => {
  it('drops delayed jobs and refuses new work once closed', async () => {
    const jobs = createMemoryJobs();
    const queue = jobs.queue('reminders');
    await queue.add('remind', {}, { delayMs: 60_000 });
    expect((await queue.counts()).delayed).toBe(1);
    await jobs.close();
    expect((await queue.counts()).delayed).toBe(0);
    await expect(queue.add('remind', {})).rejects.toThrow(/closed/);
    expect(() => jobs.queue('other')).toThrow(/closed/);
  });

  it('hands handlers a JSON copy of the data, as BullMQ does', async () => {
    const jobs = createMemoryJobs();
    const queue = jobs.queue('json');
    const seen: unknown[] = [];
    await queue.process(async (job) => {
      seen.push(job.data);
    });
    const at = new Date('2025-01-02T03:04:05.000Z');
    await queue.add('a', { at, missing: undefined });
    await queue.add('b', undefined);
    await expect.poll(() => seen.length).toBe(2);
    expect(seen).toEqual([{ at: '2025-01-02T03:04:05.000Z' }, {}]);
    await jobs.close();
  });

  it('reports handler errors with the job before retrying', async () => {
    const errors: { message: string; attempt: number | undefined }[] = [];
    const jobs = createMemoryJobs({
      onError: (error, job) =>
        errors.push({ message: error instanceof Error ? error.message : String(error), attempt: job?.attempt }),
    });
    const queue = jobs.queue('errors');
    await queue.process(async (job) => {
      if (job.attempt === 1) throw new Error('first try fails');
    });
    await queue.add('x', {}, { backoffMs: 5 });
    await expect.poll(async () => (await queue.counts()).completed).toBe(1);
    expect(errors).toEqual([{ message: 'first try fails', attempt: 1 }]);
    await jobs.close();
  });
});
