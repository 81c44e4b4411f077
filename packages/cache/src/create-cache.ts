import type { Cache } from './cache.port.js';
import { createMemoryCache } from './memory.cache.js';
import { createRedisCache } from './redis.cache.js';

export interface CreateCacheOptions {
  /** Redis URL (`REDIS_URL`); without it the cache lives in this process. */
  url?: string;
  keyPrefix?: string;
  onError?: (error: unknown) => void;
}

/** The composition root's one switch between Redis (distributed) and memory (embedded). */
export function createCache(options: CreateCacheOptions = {}): Cache {
  const { url, ...rest } = options;
  return url ? createRedisCache({ url, ...rest }) : createMemoryCache(rest);
}
