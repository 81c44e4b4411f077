import { createHash } from 'node:crypto';
import pg from 'pg';

/** How many statements one connection keeps prepared unless told otherwise. */
export const DEFAULT_STATEMENT_CACHE_SIZE = 200;

/** Statement names by text, shared by every connection of the process (the name is the text's hash). */
const names = new Map<string, string>();
const NAME_MEMO_LIMIT = 5_000;

function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `polis_${createHash('sha1').update(text).digest('hex')}`;
    if (names.size < NAME_MEMO_LIMIT) names.set(text, name);
  }
  return name;
}

/**
 * A node-postgres client class that runs parameterised queries as named prepared statements, so
 * PostgreSQL parses and plans each distinct query text once per connection instead of on every call
 * (planning the deal list cost as much as running it). The name is a hash of the text, so the same
 * text always maps to the same statement. Each connection prepares at most `limit` statements; past
 * that, new texts run unnamed as before, which bounds the server memory the cache can hold.
 * Statements without parameters (BEGIN, COMMIT, scripts) are left alone.
 */
export function statementCachingClient(limit: number): typeof pg.Client {
  return class StatementCachingClient extends pg.Client {
    private readonly prepared = new Set<string>();

    // biome-ignore lint/suspicious/noExplicitAny: node-postgres' overloads cannot be forwarded by type.
    override query(...args: any[]): any {
      const [config, values] = args as [unknown, unknown];
      if (
        typeof config === 'object' &&
        config !== null &&
        'text' in config &&
        typeof config.text === 'string' &&
        !('name' in config && config.name) &&
        !('submit' in config) &&
        hasParameters(config, values)
      ) {
        const name = statementName(config.text);
        if (this.prepared.has(name) || this.prepared.size < limit) {
          this.prepared.add(name);
          args[0] = { ...config, name };
        }
      }
      // biome-ignore lint/suspicious/noExplicitAny: see above.
      return (super.query as (...forwarded: any[]) => any)(...args);
    }
  };
}

function hasParameters(config: object, values: unknown): boolean {
  const list = Array.isArray(values) ? values : (config as { values?: unknown }).values;
  return Array.isArray(list) && list.length > 0;
}
