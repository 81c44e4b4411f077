export * from './bullmq.jobs.js';
export * from './create-jobs.js';
export * from './job-options.js';
export * from './jobs.port.js';
export * from './memory.jobs.js';
