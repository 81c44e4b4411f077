export * from './auth.js';
export * from './problem.js';
