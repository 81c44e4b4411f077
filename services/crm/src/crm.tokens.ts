/** Injection tokens of the instances the composition root hands to the CRM module. */
export const CRM_CONFIG = Symbol('CRM_CONFIG');
export const DATABASE = Symbol('DATABASE');
export const OUTBOX_RELAY = Symbol('OUTBOX_RELAY');
export const CLOCK = Symbol('CLOCK');
export const DOCUMENTS_CLIENT = Symbol('DOCUMENTS_CLIENT');
