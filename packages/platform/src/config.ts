import { z } from 'zod';

export interface ConfigIssue {
  variable: string;
  message: string;
}

/** Thrown when the environment does not satisfy a service's config schema; names every bad variable. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly issues: ConfigIssue[] = [],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Values that ship in examples and dev defaults; platform.md §1.5 forbids them in production. */
export const PLACEHOLDER_SECRETS: readonly string[] = [
  'change_me',
  'change_me_access_secret',
  'change_me_session_secret',
  'dev-mock-token',
  'dev-webhook-secret',
  'ChangeMePlease123!',
  'postgres',
];

const secretSchemas = new WeakSet<z.ZodType>();

/**
 * Validates and converts the environment once, at start-up. `schema` is a `z.object` keyed by
 * variable names, usually built from the `env` helpers. Unknown variables are ignored.
 */
export function loadConfig<S extends z.ZodType>(schema: S, source: NodeJS.ProcessEnv = process.env): z.output<S> {
  const result = schema.safeParse(source);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => describeIssue(issue, source));
    throw new ConfigError(issues.map((i) => `${i.variable}: ${i.message}`).join('; '), issues);
  }
  if (source.NODE_ENV === 'production') refuseWeakSecrets(schema, result.data);
  return result.data;
}

function describeIssue(issue: z.core.$ZodIssue, source: NodeJS.ProcessEnv): ConfigIssue {
  const variable = issue.path.length > 0 ? issue.path.map(String).join('.') : '(config)';
  const raw = issue.path.length === 1 ? source[String(issue.path[0])] : undefined;
  const missing = issue.code === 'invalid_type' && (raw === undefined || raw === '');
  return { variable, message: missing ? 'is required' : issue.message };
}

function refuseWeakSecrets(schema: z.ZodType, values: unknown): void {
  if (!(schema instanceof z.ZodObject) || typeof values !== 'object' || values === null) return;
  const issues: ConfigIssue[] = [];
  for (const [variable, field] of Object.entries(schema.shape)) {
    if (!secretSchemas.has(field as z.ZodType)) continue;
    const value: unknown = Reflect.get(values, variable);
    if (value === undefined || value === '') {
      issues.push({ variable, message: 'must be set in production' });
    } else if (typeof value === 'string' && PLACEHOLDER_SECRETS.includes(value)) {
      issues.push({ variable, message: 'is a placeholder value, not allowed in production' });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues.map((i) => `${i.variable}: ${i.message}`).join('; '), issues);
}

class Rejected {
  constructor(readonly message: string) {}
}

/**
 * An env value: absent or empty means `fallback`; otherwise `convert` turns the text into the value
 * or rejects it with a message that will be prefixed by the variable name.
 */
function fromEnv<T>(fallback: T, convert: (text: string) => T | Rejected, trim = true): z.ZodType<T> {
  return z
    .string()
    .optional()
    .transform((raw, ctx): T => {
      const text = trim ? (raw ?? '').trim() : (raw ?? '');
      if (text === '') return fallback;
      const value = convert(text);
      if (value instanceof Rejected) {
        ctx.addIssue({ code: 'custom', message: value.message });
        return z.NEVER;
      }
      return value;
    });
}

const INTEGER = /^-?\d+$/;
const TRUE_WORDS = new Set(['true', '1']);
const FALSE_WORDS = new Set(['false', '0']);

function port(defaultPort: number): z.ZodType<number> {
  return fromEnv(defaultPort, (text) => {
    if (!INTEGER.test(text)) return new Rejected(`expected a number, got '${text}'`);
    const value = Number(text);
    return value >= 0 && value <= 65535 ? value : new Rejected(`expected a port between 0 and 65535, got '${text}'`);
  });
}

function int(defaultValue: number, options: { min?: number; max?: number } = {}): z.ZodType<number> {
  return fromEnv(defaultValue, (text) => {
    if (!INTEGER.test(text)) return new Rejected(`expected an integer, got '${text}'`);
    const value = Number(text);
    if (options.min !== undefined && value < options.min) {
      return new Rejected(`expected at least ${options.min}, got '${text}'`);
    }
    if (options.max !== undefined && value > options.max) {
      return new Rejected(`expected at most ${options.max}, got '${text}'`);
    }
    return value;
  });
}

function bool(defaultValue: boolean): z.ZodType<boolean> {
  return fromEnv(defaultValue, (text) => {
    const word = text.toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    return new Rejected(`expected true, false, 1 or 0, got '${text}'`);
  });
}

function str(): z.ZodType<string | undefined>;
function str(defaultValue: string): z.ZodType<string>;
function str(defaultValue?: string): z.ZodType<string | undefined>;
function str(defaultValue?: string): z.ZodType<string | undefined> {
  return fromEnv<string | undefined>(defaultValue, (text) => text, false);
}

function url(): z.ZodType<string | undefined>;
function url(defaultValue: string): z.ZodType<string>;
function url(defaultValue?: string): z.ZodType<string | undefined>;
function url(defaultValue?: string): z.ZodType<string | undefined> {
  return fromEnv<string | undefined>(defaultValue, (text) =>
    URL.canParse(text) ? text : new Rejected(`expected a URL, got '${text}'`),
  );
}

function list(defaultValue: string[]): z.ZodType<string[]> {
  return fromEnv(defaultValue, (text) => {
    const items = text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    return items.length > 0 ? items : defaultValue;
  });
}

function duration(defaultIso: string): z.ZodType<number> {
  const fallback = parseIsoDuration(defaultIso);
  return fromEnv(fallback, (text) => {
    try {
      return parseIsoDuration(text);
    } catch {
      return new Rejected(`expected an ISO-8601 duration such as PT15M or P7D, got '${text}'`);
    }
  });
}

function oneOf<const T extends readonly [string, ...string[]]>(
  values: T,
  defaultValue: T[number],
): z.ZodType<T[number]> {
  return fromEnv<T[number]>(defaultValue, (text) => {
    const match = values.find((value) => value === text);
    return match ?? new Rejected(`expected one of ${values.join(', ')}, got '${text}'`);
  });
}

/**
 * Like `str`, but with NODE_ENV=production `loadConfig` refuses an empty value or a known placeholder.
 * Error messages never repeat a secret's value.
 */
function secret(): z.ZodType<string | undefined>;
function secret(defaultValue: string): z.ZodType<string>;
function secret(defaultValue?: string): z.ZodType<string | undefined>;
function secret(defaultValue?: string): z.ZodType<string | undefined> {
  const schema = str(defaultValue);
  secretSchemas.add(schema);
  return schema;
}

/** zod schemas for env values: strings in, typed values out; absent or empty means the default. */
export const env = { port, int, bool, str, url, list, duration, oneOf, secret };

const DURATION_NUMBER = String.raw`(\d+(?:[.,]\d+)?)`;
const ISO_DURATION = new RegExp(
  `^P(?!$)(?:${DURATION_NUMBER}W)?(?:${DURATION_NUMBER}D)?(?:T(?=\\d)(?:${DURATION_NUMBER}H)?(?:${DURATION_NUMBER}M)?(?:${DURATION_NUMBER}S)?)?$`,
);
const UNIT_MS = [7 * 24 * 3_600_000, 24 * 3_600_000, 3_600_000, 60_000, 1000];

/**
 * ISO-8601 duration → milliseconds. Weeks, days, hours, minutes and seconds only: years and months
 * have no fixed length, so `P1Y` / `P1M` are rejected rather than guessed.
 */
export function parseIsoDuration(text: string): number {
  const match = ISO_DURATION.exec(text.trim().toUpperCase());
  if (match === null) {
    throw new RangeError(`Invalid ISO-8601 duration '${text}' (use weeks, days, hours, minutes, seconds: PT15M, P7D)`);
  }
  let total = 0;
  UNIT_MS.forEach((unit, index) => {
    const part = match[index + 1];
    if (part !== undefined) total += Number(part.replace(',', '.')) * unit;
  });
  return Math.round(total);
}
