import { sql } from 'drizzle-orm';
import type { Database, DbIdentity, Tx } from './database.port.js';
import { assertIdentifier, assertSettingName, quoteIdentifier } from './sql-identifier.js';

export interface IdentityOptions {
  /** Role to act as for the rest of the transaction (`SET LOCAL ROLE`), e.g. `crm_app`. */
  role?: string;
}

/**
 * Runs `fn` in a transaction that row-level security policies see as `identity`: the settings
 * `app.user_id` and `app.roles` (comma-joined) are transaction-local, and so is the optional role,
 * so the connection is clean again afterwards. Never session-level SET: PGlite has one session.
 */
export async function withIdentity<T>(
  db: Database,
  identity: DbIdentity,
  fn: (tx: Tx) => Promise<T>,
  options: IdentityOptions = {},
): Promise<T> {
  return db.transaction(fn, { settings: identitySettings(identity, options) });
}

/** Applies an identity to a transaction that is already open (e.g. inside `applyOnce`). */
export async function setTransactionIdentity(
  tx: Tx,
  identity: DbIdentity,
  options: IdentityOptions = {},
): Promise<void> {
  await applyTransactionSettings(tx, identitySettings(identity, options));
}

/** `select set_config(name, value, true), …` in an open transaction, values bound as parameters. */
export async function applyTransactionSettings(tx: Tx, settings: Readonly<Record<string, string>>): Promise<void> {
  const calls = Object.entries(settings).map(([name, value]) => {
    assertSettingName(name);
    return sql`set_config(${name}, ${value}, true)`;
  });
  if (calls.length > 0) await tx.execute(sql`select ${sql.join(calls, sql`, `)}`);
}

/**
 * The transaction-local settings that make row-level security see `identity`: `app.user_id`,
 * `app.roles` (comma-joined) and, with a role, `role` (`SET LOCAL ROLE`). Validated here, before
 * any transaction opens.
 */
export function identitySettings(identity: DbIdentity, options: IdentityOptions = {}): Record<string, string> {
  for (const role of identity.roles) {
    if (role.includes(',')) throw new Error(`identity role names cannot contain a comma: "${role}"`);
  }
  const settings: Record<string, string> = { 'app.user_id': identity.userId, 'app.roles': identity.roles.join(',') };
  if (options.role !== undefined) {
    assertIdentifier(options.role, 'database role');
    settings.role = options.role;
  }
  return settings;
}

export interface EnsureRoleOptions {
  login?: boolean;
  password?: string;
}

const DUPLICATE_OBJECT = '42710';
const UNIQUE_VIOLATION = '23505';

/**
 * Creates a role (NOLOGIN unless `login`) if it does not exist yet; answers whether it created it.
 * Roles are cluster-wide, so two services or replicas may race here: losing the race is fine.
 */
export async function ensureRole(db: Database, name: string, options: EnsureRoleOptions = {}): Promise<boolean> {
  quoteIdentifier(name, 'database role');
  const existing = await db.query('select 1 from pg_roles where rolname = $1', [name]);
  if (existing.length > 0) return false;
  // DDL takes no bind parameters; format() quotes the name and the password on the server.
  const [statement] = await db.query<{ text: string }>(
    options.login
      ? `select format('create role %I login password %L', $1::text, $2::text) as text`
      : `select format('create role %I nologin', $1::text) as text`,
    options.login ? [name, options.password ?? null] : [name],
  );
  try {
    await db.exec(statement!.text);
    return true;
  } catch (error) {
    if (isDuplicate(error)) return false;
    throw error;
  }
}

/**
 * Lets `role` use `schema`: USAGE on it, DML on all its tables and sequences now, and the same on
 * tables and sequences created later by the role running this (default privileges).
 */
export async function grantSchemaUsage(db: Database, schema: string, role: string): Promise<void> {
  const s = quoteIdentifier(schema, 'schema');
  const r = quoteIdentifier(role, 'database role');
  await db.exec(`
grant usage on schema ${s} to ${r};
grant select, insert, update, delete on all tables in schema ${s} to ${r};
grant usage, select on all sequences in schema ${s} to ${r};
alter default privileges in schema ${s} grant select, insert, update, delete on tables to ${r};
alter default privileges in schema ${s} grant usage, select on sequences to ${r};
`);
}

function isDuplicate(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  return error.code === DUPLICATE_OBJECT || error.code === UNIQUE_VIOLATION;
}
