import { describe, expect, it } from 'vitest';
import { SerialQueue } from './serial-queue.js';

describe('SerialQueue', () => {
  it('runs tasks one at a time in call order', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const task = (name: string, ticks: number) => async () => {
      log.push(`start ${name}`);
      for (let i = 0; i < ticks; i += 1) await Promise.resolve();
      log.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([queue.run(task('a', 5)), queue.run(task('b', 1)), queue.run(task('c', 3))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('keeps going after a task fails, and reports the failure to its caller only', async () => {
    const queue = new SerialQueue();
    const failed = queue.run(async () => {
      throw new Error('first failed');
    });
    const next = queue.run(async () => 'second ran');
    await expect(failed).rejects.toThrow('first failed');
    await expect(next).resolves.toBe('second ran');
  });
});
