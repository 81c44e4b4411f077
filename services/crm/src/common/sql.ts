import { type AnyColumn, type SQL, sql } from 'drizzle-orm';

/** A timestamptz as exact ISO text (microseconds, UTC): keyset cursors must not lose precision. */
export function exactTimestamp(column: AnyColumn): SQL<string> {
  return sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** `%`, `_` and `\` in a search term match themselves, not any text. */
export function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

const MAX_WORDS = 8;

/**
 * Full-text match of a free-text term against a generated `tsvector` (Russian + English stems and
 * `simple` words): every word must match, by stem or as a prefix; digits also match as one run, so
 * "+7 (495) 100" finds the phone 74951002000. Only letters and digits reach `to_tsquery`, so no
 * input can break its syntax.
 */
export function fullTextMatch(vector: AnyColumn, term: string): SQL {
  const words = (
    term
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).slice(0, MAX_WORDS);
  if (words.length === 0) return sql`false`;
  const plain = words.join(' ');
  const prefixes = words.map((word) => `${word}:*`).join(' & ');
  const digits = term.replace(/\D+/g, '');
  const query =
    digits.length >= 3 && !(words.length === 1 && words[0] === digits)
      ? sql`(websearch_to_tsquery('russian', ${plain}) || websearch_to_tsquery('english', ${plain}) || to_tsquery('simple', ${prefixes}) || to_tsquery('simple', ${`${digits}:*`}))`
      : sql`(websearch_to_tsquery('russian', ${plain}) || websearch_to_tsquery('english', ${plain}) || to_tsquery('simple', ${prefixes}))`;
  return sql`${vector} @@ ${query}`;
}
