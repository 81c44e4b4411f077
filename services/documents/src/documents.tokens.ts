/** Injection tokens of the instances the composition root hands to the Documents module. */
export const DOCUMENTS_CONFIG = Symbol('DOCUMENTS_CONFIG');
export const DATABASE = Symbol('DATABASE');
export const OUTBOX_RELAY = Symbol('OUTBOX_RELAY');
export const CACHE = Symbol('CACHE');
export const CLOCK = Symbol('CLOCK');
export const JOB_QUEUES = Symbol('JOB_QUEUES');
export const ACL_DRIVER = Symbol('ACL_DRIVER');
export const STORAGE = Symbol('STORAGE');
export const LINK_SIGNER = Symbol('LINK_SIGNER');
