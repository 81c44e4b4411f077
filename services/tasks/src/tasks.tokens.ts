/** Injection tokens of the instances the composition root hands to the Tasks module. */
export const TASKS_CONFIG = Symbol('TASKS_CONFIG');
export const DATABASE = Symbol('DATABASE');
export const OUTBOX_RELAY = Symbol('OUTBOX_RELAY');
export const CLOCK = Symbol('CLOCK');
export const CACHE = Symbol('CACHE');
export const REPLAY_LOG = Symbol('REPLAY_LOG');
export const CRM_CLIENT = Symbol('CRM_CLIENT');
export const DELAYED_QUEUE = Symbol('DELAYED_QUEUE');
