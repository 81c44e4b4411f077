/** The fields of `patch` whose value differs from `current`, with both sides (event `changes` / `previous`). */
export function diff<T extends object>(
  current: T,
  patch: Partial<T>,
): { changed: Partial<T>; changes: Record<string, unknown>; previous: Record<string, unknown> } {
  const changed: Partial<T> = {};
  const changes: Record<string, unknown> = {};
  const previous: Record<string, unknown> = {};
  for (const key of Object.keys(patch) as Array<keyof T & string>) {
    const next = patch[key];
    if (next === undefined || same(current[key], next)) continue;
    changed[key] = next;
    changes[key] = next;
    previous[key] = current[key];
  }
  return { changed, changes, previous };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
