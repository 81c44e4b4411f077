export * from './backend.js';
export * from './consul-fake.js';
