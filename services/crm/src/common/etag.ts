import { Invalid } from '@polis/platform';

/** The strong ETag of a versioned row. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * The version a write is based on: the body's `version`, else `If-Match` (`"3"`, `W/"3"` or `3`).
 * Undefined when the client sent neither (the write is then unconditional).
 */
export function expectedVersion(bodyVersion: number | undefined, ifMatch: string | undefined): number | undefined {
  if (bodyVersion !== undefined) return bodyVersion;
  if (ifMatch === undefined || ifMatch.trim() === '' || ifMatch.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,10})"?\s*$/.exec(ifMatch);
  const version = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new Invalid('If-Match must carry the ETag of the version you read, e.g. "3".', 'validation_error', {
      errors: [{ field: 'If-Match', message: 'must be an ETag such as "3"' }],
    });
  }
  return version;
}
