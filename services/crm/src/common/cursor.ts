import { Invalid } from '@polis/platform';

/** An opaque keyset cursor: the sort key of the last row of a page. */
export function encodeCursor(values: readonly string[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/** The sort key a cursor carries; 400 `invalid_cursor` when it is not one this list made. */
export function decodeCursor(cursor: string, patterns: readonly RegExp[]): string[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = undefined;
  }
  if (
    !Array.isArray(values) ||
    values.length !== patterns.length ||
    !values.every((value, index) => typeof value === 'string' && patterns[index]?.test(value))
  ) {
    throw new Invalid('The cursor is not valid for this list; start again without it.', 'invalid_cursor', {
      errors: [{ field: 'cursor', message: 'is not a cursor of this list' }],
    });
  }
  return values as string[];
}

export const CURSOR_PATTERNS = {
  date: /^\d{4}-\d{2}-\d{2}$/,
  timestamp: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  text: /^[\s\S]{1,255}$/,
} as const;
