import { Redis, type Result } from 'ioredis';
import type { Cache, CounterState, ScoredMember, SetOptions, StreamEntry } from './cache.port.js';
import { nonNegativeCount, wholeMs } from './duration.guard.js';

export interface RedisCacheOptions {
  url: string;
  /** Prepended to every key and pub/sub channel, e.g. `gateway:`. */
  keyPrefix?: string;
  /** Connection and subscriber errors; readiness learns of outages through `ping`, so the default ignores them. */
  onError?: (error: unknown) => void;
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    polisCacheIncrement(key: string, windowMs: number): Result<[number, number], Context>;
  }
}

// INCR and the window's expiry in one step, so a crash between them can never leave a counter
// without expiry (a rate limit that never resets). A key that somehow lost its expiry gets one.
const incrementScript = `
local value = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {value, ttl}
`;

const payloadField = 'payload';
// Idle connections kept for blocking stream reads; more concurrent waiters get their own and drop it after.
const maxIdleBlockingConnections = 4;

type ChannelHandler = (message: string) => void;

interface ChannelSubscription {
  handlers: Set<ChannelHandler>;
  ready: Promise<unknown>;
}

export function createRedisCache(options: RedisCacheOptions): Cache {
  const keyPrefix = options.keyPrefix ?? '';
  const onError = options.onError ?? (() => undefined);
  const redis = new Redis(options.url, {
    keyPrefix,
    // Fail a command after one reconnect attempt instead of queueing it for long: callers and
    // readiness see the outage; ioredis keeps reconnecting in the background.
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    // Commands issued in the same tick (concurrent requests' look-ups and counters) share one write
    // and one round trip instead of a system call each.
    enableAutoPipelining: true,
  });
  redis.on('error', onError);
  redis.defineCommand('polisCacheIncrement', { numberOfKeys: 1, lua: incrementScript });

  let closed = false;
  const idleBlocking: Redis[] = [];
  const busyBlocking = new Set<Redis>();
  let subscriber: Redis | null = null;
  const channels = new Map<string, ChannelSubscription>();

  function duplicate(): Redis {
    const connection = redis.duplicate();
    connection.on('error', onError);
    return connection;
  }

  async function withBlockingConnection<T>(run: (connection: Redis) => Promise<T>): Promise<T> {
    const connection = idleBlocking.pop() ?? duplicate();
    busyBlocking.add(connection);
    try {
      return await run(connection);
    } finally {
      busyBlocking.delete(connection);
      if (closed || idleBlocking.length >= maxIdleBlockingConnections) connection.disconnect();
      else idleBlocking.push(connection);
    }
  }

  function getSubscriber(): Redis {
    if (subscriber) return subscriber;
    const connection = duplicate();
    connection.on('message', (channel: string, message: string) => {
      const subscription = channels.get(channel);
      if (!subscription) return;
      for (const handler of [...subscription.handlers]) {
        try {
          handler(message);
        } catch (error) {
          onError(error);
        }
      }
    });
    subscriber = connection;
    return connection;
  }

  async function streamRange(key: string, afterId: string | null, count: number): Promise<StreamEntry[]> {
    if (nonNegativeCount('count', count) === 0) return [];
    const start = afterId === null ? '-' : `(${afterId}`;
    const rows = await redis.xrange(key, start, '+', 'COUNT', count);
    return rows.map(toStreamEntry);
  }

  const cache: Cache = {
    kind: 'redis',

    async get(key) {
      return redis.get(key);
    },

    async set(key, value, setOptions: SetOptions = {}) {
      const ttl = setOptions.ttlMs === undefined ? undefined : wholeMs('ttlMs', setOptions.ttlMs);
      let reply: string | null;
      if (ttl !== undefined && setOptions.onlyIfAbsent) reply = await redis.set(key, value, 'PX', ttl, 'NX');
      else if (ttl !== undefined) reply = await redis.set(key, value, 'PX', ttl);
      else if (setOptions.onlyIfAbsent) reply = await redis.set(key, value, 'NX');
      else reply = await redis.set(key, value);
      return reply === 'OK';
    },

    async getDel(key) {
      return redis.getdel(key);
    },

    async del(...keys) {
      if (keys.length === 0) return 0;
      return redis.del(...keys);
    },

    async ttlMs(key) {
      const ttl = await redis.pttl(key);
      return ttl < 0 ? null : ttl;
    },

    async expire(key, ttlMs) {
      return (await redis.pexpire(key, wholeMs('ttlMs', ttlMs))) === 1;
    },

    async increment(key, windowMs): Promise<CounterState> {
      const [value, ttlMs] = await redis.polisCacheIncrement(key, wholeMs('windowMs', windowMs));
      return { value, ttlMs };
    },

    async setAdd(key, members, ttlMs) {
      if (members.length === 0) return;
      if (ttlMs === undefined) {
        await redis.sadd(key, ...members);
        return;
      }
      const replies = await redis
        .multi()
        .sadd(key, ...members)
        .pexpire(key, wholeMs('ttlMs', ttlMs))
        .exec();
      throwFirstError(replies);
    },

    async setRemove(key, members) {
      if (members.length === 0) return;
      await redis.srem(key, ...members);
    },

    async setMembers(key) {
      return redis.smembers(key);
    },

    async zAdd(key, entries) {
      if (entries.length === 0) return;
      const args = entries.flatMap((entry) => [formatScore(entry.score), entry.member]);
      await redis.zadd(key, ...args);
    },

    async zRangeByScore(key, min, max, limit): Promise<ScoredMember[]> {
      const reply =
        limit === undefined
          ? await redis.zrangebyscore(key, formatScore(min), formatScore(max), 'WITHSCORES')
          : await redis.zrangebyscore(
              key,
              formatScore(min),
              formatScore(max),
              'WITHSCORES',
              'LIMIT',
              0,
              nonNegativeCount('limit', limit),
            );
      const members: ScoredMember[] = [];
      for (let i = 0; i + 1 < reply.length; i += 2) {
        members.push({ member: reply[i] as string, score: parseScore(reply[i + 1] as string) });
      }
      return members;
    },

    async zRemove(key, ...members) {
      if (members.length === 0) return 0;
      return redis.zrem(key, ...members);
    },

    async zCard(key) {
      return redis.zcard(key);
    },

    async streamAppend(key, payload, maxLen) {
      const id = await redis.xadd(key, 'MAXLEN', '~', nonNegativeCount('maxLen', maxLen), '*', payloadField, payload);
      if (id === null) throw new Error(`XADD to ${key} returned no id`);
      return id;
    },

    streamRead: streamRange,

    async streamWait(key, afterId, count, blockMs) {
      const ready = await streamRange(key, afterId, count);
      if (ready.length > 0 || count === 0 || blockMs <= 0) return ready;
      // '0-0' rather than '$' when starting from scratch: '$' would miss an entry appended between
      // the read above and the blocking call.
      const from = afterId ?? '0-0';
      try {
        const reply = await withBlockingConnection((connection) =>
          connection.xread('COUNT', count, 'BLOCK', Math.ceil(blockMs), 'STREAMS', key, from),
        );
        return reply?.[0]?.[1].map(toStreamEntry) ?? [];
      } catch (error) {
        // close() disconnects blocked readers on purpose; they simply see nothing new.
        if (closed) return [];
        throw error;
      }
    },

    async streamFirstId(key) {
      const rows = await redis.xrange(key, '-', '+', 'COUNT', 1);
      return rows[0]?.[0] ?? null;
    },

    async publish(channel, message) {
      await redis.publish(keyPrefix + channel, message);
    },

    async subscribe(channel, handler) {
      if (closed) throw new Error('Cache is closed');
      const fullChannel = keyPrefix + channel;
      let subscription = channels.get(fullChannel);
      if (!subscription) {
        const created: ChannelSubscription = { handlers: new Set(), ready: getSubscriber().subscribe(fullChannel) };
        // A failed SUBSCRIBE must not stick: the next subscribe to this channel tries again.
        created.ready.catch(() => {
          if (channels.get(fullChannel) === created) channels.delete(fullChannel);
        });
        channels.set(fullChannel, created);
        subscription = created;
      }
      const current = subscription;
      // A fresh function per call, so subscribing the same handler twice needs two unsubscribes.
      const registered: ChannelHandler = (message) => handler(message);
      current.handlers.add(registered);
      try {
        await current.ready;
      } catch (error) {
        current.handlers.delete(registered);
        throw error;
      }
      return async () => {
        if (!current.handlers.delete(registered) || current.handlers.size > 0) return;
        if (channels.get(fullChannel) === current) channels.delete(fullChannel);
        if (subscriber && !closed) await subscriber.unsubscribe(fullChannel);
      };
    },

    async ping() {
      await redis.ping();
    },

    async close() {
      if (closed) return;
      closed = true;
      channels.clear();
      for (const connection of busyBlocking) connection.disconnect();
      const connections = [redis, ...idleBlocking.splice(0), ...(subscriber ? [subscriber] : [])];
      subscriber = null;
      await Promise.all(connections.map(shutDown));
    },
  };
  return cache;
}

async function shutDown(connection: Redis): Promise<void> {
  if (connection.status !== 'ready') {
    connection.disconnect();
    return;
  }
  await connection.quit().catch(() => connection.disconnect());
}

function toStreamEntry([id, fields]: [string, string[]]): StreamEntry {
  const at = fields.indexOf(payloadField);
  return { id, payload: at >= 0 ? (fields[at + 1] ?? '') : '' };
}

function formatScore(score: number): string {
  if (Number.isNaN(score)) throw new RangeError('score must be a number, got NaN');
  if (score === Number.POSITIVE_INFINITY) return '+inf';
  if (score === Number.NEGATIVE_INFINITY) return '-inf';
  return String(score);
}

function parseScore(raw: string): number {
  if (raw === 'inf' || raw === '+inf') return Number.POSITIVE_INFINITY;
  if (raw === '-inf') return Number.NEGATIVE_INFINITY;
  return Number(raw);
}

function throwFirstError(replies: [error: Error | null, result: unknown][] | null): void {
  if (replies === null) throw new Error('Redis transaction was aborted');
  for (const [error] of replies) if (error) throw error;
}
