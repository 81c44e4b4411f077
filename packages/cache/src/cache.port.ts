export interface SetOptions {
  /** Expiry in milliseconds; omitted = no expiry. */
  ttlMs?: number;
  /** Only set when the key does not exist yet (SET NX); `set` then answers whether it wrote. */
  onlyIfAbsent?: boolean;
}

export interface ScoredMember {
  member: string;
  score: number;
}

export interface StreamEntry {
  /** Monotonic id, `<ms>-<seq>` as Redis Streams make them; compare with `compareStreamIds`. */
  id: string;
  payload: string;
}

export interface CounterState {
  /** The value after this increment. */
  value: number;
  /** Milliseconds until the window (and the counter) expires. */
  ttlMs: number;
}

/**
 * Key-value, counter, set, sorted-set, stream and pub/sub port. Adapters: Redis (ioredis) and memory.
 * Every key is scoped by the adapter's key prefix, so tests and services can share one server.
 */
export interface Cache {
  readonly kind: 'redis' | 'memory';

  get(key: string): Promise<string | null>;
  /** Returns true when the value was written (always, unless `onlyIfAbsent` found the key). */
  set(key: string, value: string, options?: SetOptions): Promise<boolean>;
  /** Atomically reads and deletes (GETDEL): of two concurrent callers only one gets the value. */
  getDel(key: string): Promise<string | null>;
  del(...keys: string[]): Promise<number>;
  /** Remaining lifetime in ms; null when the key is missing or has no expiry. */
  ttlMs(key: string): Promise<number | null>;
  /** Sets or refreshes a key's expiry; false when the key is missing. */
  expire(key: string, ttlMs: number): Promise<boolean>;

  /** Atomic increment; the first increment of a window starts its expiry of `windowMs` (rate limits). */
  increment(key: string, windowMs: number): Promise<CounterState>;

  setAdd(key: string, members: string[], ttlMs?: number): Promise<void>;
  setRemove(key: string, members: string[]): Promise<void>;
  setMembers(key: string): Promise<string[]>;

  zAdd(key: string, entries: ScoredMember[]): Promise<void>;
  /** Members with min <= score <= max, lowest score first, at most `limit`. */
  zRangeByScore(key: string, min: number, max: number, limit?: number): Promise<ScoredMember[]>;
  /** Removes members; answers how many were removed (a claim: 1 means this caller took it). */
  zRemove(key: string, ...members: string[]): Promise<number>;
  zCard(key: string): Promise<number>;

  /** Appends to an append-only stream, trimming it to about `maxLen` newest entries; returns the new id. */
  streamAppend(key: string, payload: string, maxLen: number): Promise<string>;
  /** Entries with id > `afterId` (all when null), oldest first, at most `count`. */
  streamRead(key: string, afterId: string | null, count: number): Promise<StreamEntry[]>;
  /** Like streamRead, but when nothing is there waits up to `blockMs` for new entries. */
  streamWait(key: string, afterId: string | null, count: number, blockMs: number): Promise<StreamEntry[]>;
  /** The oldest id still kept (null when empty): a resume id older than this cannot be replayed. */
  streamFirstId(key: string): Promise<string | null>;

  publish(channel: string, message: string): Promise<void>;
  /** Returns the function that unsubscribes. */
  subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>>;

  /** Throws when the server is unreachable (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Orders two stream ids (`<ms>-<seq>`): negative, zero or positive. */
export function compareStreamIds(a: string, b: string): number {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  const byMs = Number(am) - Number(bm);
  return byMs !== 0 ? byMs : Number(as) - Number(bs);
}
