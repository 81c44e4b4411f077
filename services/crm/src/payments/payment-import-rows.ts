import { once } from 'node:events';
import {
  type ImportRowError,
  type MovementDirection,
  PAYMENT_IMPORT_COLUMNS,
  PAYMENT_IMPORT_REQUIRED_COLUMNS,
} from '@polis/contracts';
import { parse } from 'csv-parse';

/*
 * Reading an import file (issue 5): a CSV stream, `;` or `,` separated (whichever the header uses),
 * UTF-8 with or without a BOM, parsed record by record so the file is never held whole, and each
 * row checked on its own.
 */

export type ImportColumn = (typeof PAYMENT_IMPORT_COLUMNS)[number];

/** A row whose fields are well-formed; whether its payment exists is checked against the database. */
export interface ImportRow {
  line: number;
  policyNumber: string;
  sequence: number;
  direction: MovementDirection;
  amount: string;
  currency: string;
  category: string;
  postedAt: string;
  note: string | null;
}

export type CheckedRow = { ok: true; row: ImportRow } | { ok: false; errors: ImportRowError[] };

/** What a record of the file is: the header, a row, or a problem with the file itself. */
export type FileRecord = { line: number; fields: string[] };

export class FileTooLarge extends Error {
  constructor(readonly limitBytes: number) {
    super(`The file is larger than ${limitBytes} bytes.`);
  }
}

/** A CSV problem the parser cannot get past (an unclosed quote...): the report's last error. */
export class MalformedCsv extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

const HEADER_PROBE_BYTES = 64 * 1024;

/** `;` when the header line has one (the Russian Excel default), else `,`. */
export function sniffDelimiter(head: Buffer): ';' | ',' {
  const end = head.indexOf(0x0a);
  const firstLine = head.subarray(0, end < 0 ? head.length : end).toString('utf8');
  return firstLine.includes(';') ? ';' : ',';
}

/**
 * The records of a CSV byte stream with their line numbers (where the record ends; the header is
 * line 1). Blank lines and lines of empty cells are skipped. More than `maxBytes` → FileTooLarge.
 */
export async function* csvRecords(
  source: AsyncIterable<Buffer | string>,
  maxBytes: number,
): AsyncGenerator<FileRecord> {
  const iterator = source[Symbol.asyncIterator]();
  let bytes = 0;
  const next = async (): Promise<Buffer | undefined> => {
    const { value, done } = await iterator.next();
    if (done) return undefined;
    const chunk = typeof value === 'string' ? Buffer.from(value) : value;
    bytes += chunk.length;
    if (bytes > maxBytes) throw new FileTooLarge(maxBytes);
    return chunk;
  };
  const headChunks: Buffer[] = [];
  let headLength = 0;
  for (;;) {
    const chunk = await next();
    if (chunk === undefined) break;
    headChunks.push(chunk);
    headLength += chunk.length;
    if (chunk.includes(0x0a) || headLength >= HEADER_PROBE_BYTES) break;
  }
  const head = Buffer.concat(headChunks);
  const parser = parse({
    delimiter: sniffDelimiter(head),
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
  });
  // Feeds the parser with backpressure; a failure of the source ends the parser with it.
  const feed = (async () => {
    if (head.length > 0 && !parser.write(head)) await once(parser, 'drain');
    for (;;) {
      const chunk = await next();
      if (chunk === undefined) break;
      if (!parser.write(chunk)) await once(parser, 'drain');
    }
    parser.end();
  })();
  feed.catch((error: unknown) => parser.destroy(error instanceof Error ? error : new Error(String(error))));
  try {
    for await (const output of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      yield { line: output.info.lines, fields: output.record };
    }
    await feed;
  } catch (error) {
    if (error instanceof FileTooLarge) throw error;
    const code = typeof error === 'object' && error !== null ? Reflect.get(error, 'code') : undefined;
    if (typeof code === 'string' && code.startsWith('CSV_')) {
      const lines = Reflect.get(error as object, 'lines');
      throw new MalformedCsv(typeof lines === 'number' ? lines : 0, (error as Error).message);
    }
    throw error;
  } finally {
    if (!parser.destroyed) parser.destroy();
  }
}

export interface ImportHeader {
  /** Which field holds which column. */
  columns: Map<ImportColumn, number>;
  /** Fields per row. */
  width: number;
}

/** The header: which field holds which column; file-level errors when it is unusable. */
export function readHeader(
  fields: string[],
): { ok: true; header: ImportHeader } | { ok: false; errors: ImportRowError[] } {
  const known = new Set<string>(PAYMENT_IMPORT_COLUMNS);
  const columns = new Map<ImportColumn, number>();
  const errors: ImportRowError[] = [];
  fields.forEach((raw, index) => {
    const name = raw.trim().toLowerCase().replace(/\s+/g, '_');
    if (!known.has(name)) {
      errors.push({
        line: 1,
        column: raw,
        code: 'unknown_column',
        message: `Unknown column; the columns are ${PAYMENT_IMPORT_COLUMNS.join(', ')}.`,
      });
    } else if (columns.has(name as ImportColumn)) {
      errors.push({ line: 1, column: name, code: 'duplicate_column', message: 'The column appears twice.' });
    } else {
      columns.set(name as ImportColumn, index);
    }
  });
  for (const required of PAYMENT_IMPORT_REQUIRED_COLUMNS) {
    if (!columns.has(required)) {
      errors.push({ line: 1, column: required, code: 'missing_column', message: 'This column is required.' });
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, header: { columns, width: fields.length } };
}

const AMOUNT = /^(?:0|[1-9]\d{0,11})(?:\.\d{1,2})?$/;
const SEQUENCE = /^[1-9]\d{0,8}$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const RU_DATE = /^(\d{2})\.(\d{2})\.(\d{4})$/;
const DIRECTIONS: Record<string, MovementDirection> = {
  income: 'incomes',
  incomes: 'incomes',
  доход: 'incomes',
  поступление: 'incomes',
  expense: 'expenses',
  expenses: 'expenses',
  расход: 'expenses',
  выплата: 'expenses',
};

function calendarDate(year: number, month: number, day: number): string | undefined {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined;
  }
  return date.toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` or `DD.MM.YYYY` as an ISO date, undefined when it is neither or does not exist. */
export function importDate(value: string): string | undefined {
  const iso = ISO_DATE.exec(value);
  if (iso) return calendarDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const ru = RU_DATE.exec(value);
  if (ru) return calendarDate(Number(ru[3]), Number(ru[2]), Number(ru[1]));
  return undefined;
}

function amountProblem(value: string): string {
  if (value === '') return 'The amount is missing.';
  if (value.includes(',')) return 'Use a dot as the decimal separator, e.g. 1500.50.';
  if (/e/i.test(value)) return 'Write the amount out in digits, without an exponent.';
  if (value.startsWith('-') || value.startsWith('+')) return 'The amount must be positive and unsigned.';
  if (/\.\d{3,}$/.test(value)) return 'At most two decimals (kopecks).';
  return 'Must be a decimal amount greater than 0 with at most 2 decimals, e.g. 1500.50.';
}

/** Checks one row's fields; `today` is the agency's date (postings are never in the future). */
export function checkRow(line: number, fields: string[], header: ImportHeader, today: string): CheckedRow {
  const { columns, width } = header;
  const errors: ImportRowError[] = [];
  const fail = (column: ImportColumn | null, code: string, message: string) =>
    errors.push({ line, column, code, message });
  const cell = (column: ImportColumn) => {
    const index = columns.get(column);
    return index === undefined ? '' : (fields[index] ?? '').trim();
  };
  if (fields.length !== width) {
    fail(null, 'column_count', `The row has ${fields.length} fields; the header has ${width}.`);
    return { ok: false, errors };
  }

  const policyNumber = cell('policy_number');
  if (policyNumber === '' || policyNumber.length > 64)
    fail('policy_number', 'validation_error', 'Must be 1–64 characters.');
  const sequenceText = cell('payment_sequence');
  if (!SEQUENCE.test(sequenceText)) fail('payment_sequence', 'invalid_sequence', 'Must be a whole number from 1.');
  const direction = DIRECTIONS[cell('direction').toLowerCase()];
  if (!direction) fail('direction', 'invalid_direction', 'Must be income or expense.');
  const amount = cell('amount');
  if (!AMOUNT.test(amount) || !/[1-9]/.test(amount)) fail('amount', 'invalid_amount', amountProblem(amount));
  const currency = cell('currency').toUpperCase() || 'RUB';
  if (currency !== 'RUB') fail('currency', 'unsupported_currency', 'Only RUB is supported.');
  const category = cell('category');
  if (category === '' || category.length > 64) fail('category', 'validation_error', 'Must be 1–64 characters.');
  const postedText = cell('posted_at');
  const postedAt = importDate(postedText);
  if (postedAt === undefined) {
    fail('posted_at', 'invalid_date', 'Must be a real date, YYYY-MM-DD or DD.MM.YYYY.');
  } else if (postedAt > today) {
    fail('posted_at', 'posted_at_in_future', 'Must not be after today.');
  }
  const note = cell('note');
  if (note.length > 300) fail('note', 'validation_error', 'At most 300 characters.');

  if (errors.length > 0 || !direction || postedAt === undefined) return { ok: false, errors };
  return {
    ok: true,
    row: {
      line,
      policyNumber,
      sequence: Number(sequenceText),
      direction,
      amount,
      currency,
      category,
      postedAt,
      note: note === '' ? null : note,
    },
  };
}
