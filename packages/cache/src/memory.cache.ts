import type { Cache, CounterState, ScoredMember, SetOptions, StreamEntry } from './cache.port.js';
import { compareStreamIds } from './cache.port.js';
import { nonNegativeCount, wholeMs } from './duration.guard.js';

interface StreamState {
  entries: StreamEntry[];
  lastMs: number;
  lastSeq: number;
}

type Entry =
  | { type: 'string'; value: string; expiresAt: number | null }
  | { type: 'set'; value: Set<string>; expiresAt: number | null }
  | { type: 'zset'; value: Map<string, number>; expiresAt: number | null }
  | { type: 'stream'; value: StreamState; expiresAt: number | null };

type EntryType = Entry['type'];
type EntryOf<T extends EntryType> = Extract<Entry, { type: T }>;
type Listener = (message: string) => void;

const sweepIntervalMs = 1_000;

/**
 * The in-process stand-in for one Redis server: every memory cache built on the same store sees
 * the same keys (under its own prefix), stream wake-ups and pub/sub messages, just as services
 * sharing a Redis do. Expired keys vanish on read and in a periodic sweep.
 */
export class MemoryCacheStore {
  private readonly entries = new Map<string, Entry>();
  private readonly streamWaiters = new Map<string, Set<() => void>>();
  private readonly channels = new Map<string, Set<Listener>>();
  private sweeper: NodeJS.Timeout | null = null;

  /** The live entry under `key`, dropping it when expired. */
  lookup(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt !== null && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** The live entry under `key` when it holds `type`; throws like Redis's WRONGTYPE otherwise. */
  lookupAs<T extends EntryType>(key: string, type: T): EntryOf<T> | undefined {
    const entry = this.lookup(key);
    if (entry === undefined) return undefined;
    if (entry.type !== type) {
      throw new Error('WRONGTYPE Operation against a key holding the wrong kind of value');
    }
    return entry as EntryOf<T>;
  }

  put(key: string, entry: Entry): void {
    this.entries.set(key, entry);
    if (entry.expiresAt !== null) this.startSweeping();
  }

  remove(key: string): boolean {
    return this.lookup(key) !== undefined && this.entries.delete(key);
  }

  setExpiry(entry: Entry, ttlMs: number): void {
    entry.expiresAt = Date.now() + ttlMs;
    this.startSweeping();
  }

  addStreamWaiter(key: string, wake: () => void): void {
    let waiters = this.streamWaiters.get(key);
    if (!waiters) {
      waiters = new Set();
      this.streamWaiters.set(key, waiters);
    }
    waiters.add(wake);
  }

  removeStreamWaiter(key: string, wake: () => void): void {
    const waiters = this.streamWaiters.get(key);
    if (!waiters) return;
    waiters.delete(wake);
    if (waiters.size === 0) this.streamWaiters.delete(key);
  }

  wakeStreamWaiters(key: string): void {
    for (const wake of [...(this.streamWaiters.get(key) ?? [])]) wake();
  }

  listen(channel: string, listener: Listener): void {
    let listeners = this.channels.get(channel);
    if (!listeners) {
      listeners = new Set();
      this.channels.set(channel, listeners);
    }
    listeners.add(listener);
  }

  unlisten(channel: string, listener: Listener): void {
    const listeners = this.channels.get(channel);
    if (!listeners) return;
    listeners.delete(listener);
    if (listeners.size === 0) this.channels.delete(channel);
  }

  /** Delivers on a later turn of the event loop, as a message from a server would arrive. */
  publish(channel: string, message: string): void {
    const listeners = [...(this.channels.get(channel) ?? [])];
    if (listeners.length === 0) return;
    setImmediate(() => {
      for (const listener of listeners) listener(message);
    });
  }

  private startSweeping(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), sweepIntervalMs);
    this.sweeper.unref();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt !== null && entry.expiresAt <= now) this.entries.delete(key);
    }
  }
}

/** A separate in-process "server"; caches on different stores share nothing. */
export function createMemoryCacheStore(): MemoryCacheStore {
  return new MemoryCacheStore();
}

const processStore = createMemoryCacheStore();

export interface MemoryCacheOptions {
  /** Prepended to every key and pub/sub channel, e.g. `gateway:`. */
  keyPrefix?: string;
  /** Defaults to one store per process, so the embedded services share keys like they share Redis. */
  store?: MemoryCacheStore;
  /** Errors thrown by subscribe handlers. */
  onError?: (error: unknown) => void;
}

export function createMemoryCache(options: MemoryCacheOptions = {}): Cache {
  const prefix = options.keyPrefix ?? '';
  const store = options.store ?? processStore;
  const onError = options.onError ?? (() => undefined);
  let closed = false;
  const pendingWaits = new Set<() => void>();
  const ownListeners = new Set<{ channel: string; listener: Listener }>();

  function open(): void {
    if (closed) throw new Error('Cache is closed');
  }

  function readStream(fullKey: string, afterId: string | null, count: number): StreamEntry[] {
    if (nonNegativeCount('count', count) === 0) return [];
    const entries = store.lookupAs(fullKey, 'stream')?.value.entries ?? [];
    const newer = afterId === null ? entries : entries.filter((entry) => compareStreamIds(entry.id, afterId) > 0);
    return newer.slice(0, count);
  }

  function sortedSet(fullKey: string): Map<string, number> {
    const existing = store.lookupAs(fullKey, 'zset');
    if (existing) return existing.value;
    const value = new Map<string, number>();
    store.put(fullKey, { type: 'zset', value, expiresAt: null });
    return value;
  }

  const cache: Cache = {
    kind: 'memory',

    async get(key) {
      open();
      return store.lookupAs(prefix + key, 'string')?.value ?? null;
    },

    async set(key, value, setOptions: SetOptions = {}) {
      open();
      const ttl = setOptions.ttlMs === undefined ? undefined : wholeMs('ttlMs', setOptions.ttlMs);
      const fullKey = prefix + key;
      if (setOptions.onlyIfAbsent && store.lookup(fullKey) !== undefined) return false;
      store.put(fullKey, { type: 'string', value, expiresAt: ttl === undefined ? null : Date.now() + ttl });
      return true;
    },

    async getDel(key) {
      open();
      const fullKey = prefix + key;
      const entry = store.lookupAs(fullKey, 'string');
      if (!entry) return null;
      store.remove(fullKey);
      return entry.value;
    },

    async del(...keys) {
      open();
      let removed = 0;
      for (const key of new Set(keys)) if (store.remove(prefix + key)) removed += 1;
      return removed;
    },

    async ttlMs(key) {
      open();
      const entry = store.lookup(prefix + key);
      if (!entry || entry.expiresAt === null) return null;
      return Math.max(0, entry.expiresAt - Date.now());
    },

    async expire(key, ttlMs) {
      open();
      const ttl = wholeMs('ttlMs', ttlMs);
      const entry = store.lookup(prefix + key);
      if (!entry) return false;
      store.setExpiry(entry, ttl);
      return true;
    },

    async increment(key, windowMs): Promise<CounterState> {
      open();
      const window = wholeMs('windowMs', windowMs);
      const fullKey = prefix + key;
      const entry = store.lookupAs(fullKey, 'string');
      const value = (entry ? parseCounter(entry.value) : 0) + 1;
      const expiresAt = entry?.expiresAt ?? Date.now() + window;
      store.put(fullKey, { type: 'string', value: String(value), expiresAt });
      return { value, ttlMs: Math.max(0, expiresAt - Date.now()) };
    },

    async setAdd(key, members, ttlMs) {
      open();
      const ttl = ttlMs === undefined ? undefined : wholeMs('ttlMs', ttlMs);
      if (members.length === 0) return;
      const fullKey = prefix + key;
      let entry = store.lookupAs(fullKey, 'set');
      if (!entry) {
        entry = { type: 'set', value: new Set(), expiresAt: null };
        store.put(fullKey, entry);
      }
      for (const member of members) entry.value.add(member);
      if (ttl !== undefined) store.setExpiry(entry, ttl);
    },

    async setRemove(key, members) {
      open();
      const fullKey = prefix + key;
      const entry = store.lookupAs(fullKey, 'set');
      if (!entry) return;
      for (const member of members) entry.value.delete(member);
      if (entry.value.size === 0) store.remove(fullKey);
    },

    async setMembers(key) {
      open();
      return [...(store.lookupAs(prefix + key, 'set')?.value ?? [])];
    },

    async zAdd(key, entries) {
      open();
      if (entries.length === 0) return;
      for (const { score } of entries) {
        if (Number.isNaN(score)) throw new RangeError('score must be a number, got NaN');
      }
      const members = sortedSet(prefix + key);
      for (const { member, score } of entries) members.set(member, score);
    },

    async zRangeByScore(key, min, max, limit): Promise<ScoredMember[]> {
      open();
      const cap = limit === undefined ? Number.POSITIVE_INFINITY : nonNegativeCount('limit', limit);
      const members = store.lookupAs(prefix + key, 'zset')?.value;
      if (!members) return [];
      const inRange: ScoredMember[] = [];
      for (const [member, score] of members) if (score >= min && score <= max) inRange.push({ member, score });
      // Redis orders equal scores by member, bytewise.
      inRange.sort((a, b) => a.score - b.score || (a.member < b.member ? -1 : a.member > b.member ? 1 : 0));
      return inRange.slice(0, cap);
    },

    async zRemove(key, ...members) {
      open();
      const fullKey = prefix + key;
      const entry = store.lookupAs(fullKey, 'zset');
      if (!entry) return 0;
      let removed = 0;
      for (const member of new Set(members)) if (entry.value.delete(member)) removed += 1;
      if (entry.value.size === 0) store.remove(fullKey);
      return removed;
    },

    async zCard(key) {
      open();
      return store.lookupAs(prefix + key, 'zset')?.value.size ?? 0;
    },

    async streamAppend(key, payload, maxLen) {
      open();
      const keep = nonNegativeCount('maxLen', maxLen);
      const fullKey = prefix + key;
      let entry = store.lookupAs(fullKey, 'stream');
      if (!entry) {
        entry = { type: 'stream', value: { entries: [], lastMs: 0, lastSeq: -1 }, expiresAt: null };
        store.put(fullKey, entry);
      }
      const stream = entry.value;
      const now = Date.now();
      // Ids stay monotonic even when the clock stands still or steps back, as in Redis.
      if (now > stream.lastMs) {
        stream.lastMs = now;
        stream.lastSeq = 0;
      } else {
        stream.lastSeq += 1;
      }
      const id = `${stream.lastMs}-${stream.lastSeq}`;
      stream.entries.push({ id, payload });
      if (stream.entries.length > keep) stream.entries.splice(0, stream.entries.length - keep);
      store.wakeStreamWaiters(fullKey);
      return id;
    },

    async streamRead(key, afterId, count) {
      open();
      return readStream(prefix + key, afterId, count);
    },

    async streamWait(key, afterId, count, blockMs) {
      open();
      const fullKey = prefix + key;
      const ready = readStream(fullKey, afterId, count);
      if (ready.length > 0 || count === 0 || blockMs <= 0) return ready;
      return new Promise<StreamEntry[]>((resolve, reject) => {
        const settle = (entries: StreamEntry[] | Error): void => {
          clearTimeout(timer);
          store.removeStreamWaiter(fullKey, wake);
          pendingWaits.delete(cancel);
          if (entries instanceof Error) reject(entries);
          else resolve(entries);
        };
        const wake = (): void => {
          try {
            const entries = readStream(fullKey, afterId, count);
            if (entries.length > 0) settle(entries);
          } catch (error) {
            settle(error instanceof Error ? error : new Error(String(error)));
          }
        };
        const cancel = (): void => settle([]);
        const timer = setTimeout(cancel, blockMs);
        store.addStreamWaiter(fullKey, wake);
        pendingWaits.add(cancel);
      });
    },

    async streamFirstId(key) {
      open();
      return store.lookupAs(prefix + key, 'stream')?.value.entries[0]?.id ?? null;
    },

    async publish(channel, message) {
      open();
      store.publish(prefix + channel, message);
    },

    async subscribe(channel, handler) {
      open();
      const fullChannel = prefix + channel;
      const listener: Listener = (message) => {
        if (closed) return;
        try {
          handler(message);
        } catch (error) {
          onError(error);
        }
      };
      const registration = { channel: fullChannel, listener };
      store.listen(fullChannel, listener);
      ownListeners.add(registration);
      return async () => {
        store.unlisten(fullChannel, listener);
        ownListeners.delete(registration);
      };
    },

    async ping() {
      open();
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const cancel of [...pendingWaits]) cancel();
      for (const { channel, listener } of ownListeners) store.unlisten(channel, listener);
      ownListeners.clear();
    },
  };
  return cache;
}

function parseCounter(raw: string): number {
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value)) {
    throw new Error('ERR value is not an integer or out of range');
  }
  return value;
}
