export * from './cache.port.js';
export * from './create-cache.js';
export * from './memory.cache.js';
export * from './redis.cache.js';
