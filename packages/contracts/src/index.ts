export * from './auth.js';
export * from './crm.js';
export * from './documents.js';
export * from './problem.js';
export * from './tasks.js';
