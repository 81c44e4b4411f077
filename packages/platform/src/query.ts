/**
 * Fastify parses `k=a&k=b` into an array but keeps `k[]=a` under the key `k[]`; both spellings
 * become `k`, so the contract schemas see one shape.
 */
export function normalizeQuery(query: unknown): Record<string, unknown> {
  if (typeof query !== 'object' || query === null) return {};
  const result: Record<string, unknown> = {};
  for (const [rawKey, value] of Object.entries(query)) {
    const key = rawKey.endsWith('[]') ? rawKey.slice(0, -2) : rawKey;
    const previous = result[key];
    if (previous === undefined) result[key] = value;
    else
      result[key] = [...(Array.isArray(previous) ? previous : [previous]), ...(Array.isArray(value) ? value : [value])];
  }
  return result;
}
