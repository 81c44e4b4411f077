import { describe, expect, it } from 'vitest';
import { addDays, systemClock } from './clock.js';

describe('clock', () => {
  it('counts days across months and knows the agency date', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
    const lateUtc = systemClock('Europe/Moscow', () => new Date('2025-03-01T22:30:00Z'));
    expect(lateUtc.today()).toBe('2025-03-02');
  });
});
