/**
 * Schema and role names end up inside DDL, where bind parameters are not allowed, so they are held
 * to plain lower-case identifiers and quoted on top of that.
 */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertIdentifier(name: string, what: string): void {
  if (!IDENTIFIER.test(name)) {
    throw new Error(`${what} must be a lower-case SQL identifier (a-z, 0-9, _; at most 63 characters): "${name}"`);
  }
}

export function quoteIdentifier(name: string, what = 'identifier'): string {
  assertIdentifier(name, what);
  return `"${name}"`;
}

/** A run-time setting name such as `role` or `app.user_id`. */
const SETTING_NAME = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;

export function assertSettingName(name: string): void {
  if (!SETTING_NAME.test(name)) throw new Error(`not a setting name: "${name}"`);
}
