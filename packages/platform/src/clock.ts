/** Time as business rules see it: "today" is the agency's local date (domain.md §0). */
export interface Clock {
  now(): Date;
  /** `YYYY-MM-DD` in the agency's time zone. */
  today(): string;
}

export function systemClock(timeZone: string, now: () => Date = () => new Date()): Clock {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return { now, today: () => format.format(now()) };
}

/** A calendar date (`YYYY-MM-DD`) moved by whole days. */
export function addDays(isoDate: string, days: number): string {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}
