/** Injection tokens of the instances the composition root hands to the Auth module. */
export const AUTH_CONFIG = Symbol('AUTH_CONFIG');
export const DATABASE = Symbol('DATABASE');
export const CACHE = Symbol('CACHE');
export const OUTBOX_RELAY = Symbol('OUTBOX_RELAY');
