export * from './async.js';
export * from './auth.js';
export * from './backend.js';
export * from './consul-fake.js';
export * from './event-recorder.js';
export * from './http.js';
export * from './sse-client.js';
