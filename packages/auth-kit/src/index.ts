export * from './auth.decorators.js';
export * from './auth.guard.js';
export * from './auth-kit.module.js';
export * from './bearer-token.js';
export * from './caller.js';
export * from './jwt-signer.js';
export * from './jwt-verifier.js';
export * from './principal.js';
