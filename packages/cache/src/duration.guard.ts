/**
 * Redis accepts only whole, positive milliseconds for PX/PEXPIRE; both adapters check durations the
 * same way so a bad value fails identically in embedded and real mode.
 */
export function wholeMs(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number of milliseconds, got ${value}`);
  }
  return Math.ceil(value);
}

export function nonNegativeCount(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  return value;
}
