export * from './auth.js';
export * from './crm.js';
export * from './problem.js';
