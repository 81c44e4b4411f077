import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AUTH_KIT_OPTIONS, AuthGuard, type AuthKitOptions } from './auth.guard.js';

export const JWT_VERIFIER = Symbol('JWT_VERIFIER');

/** Registers the global `AuthGuard`; the verifier is also injectable as `JWT_VERIFIER`. */
@Module({})
export class AuthKitModule {
  static forRoot(options: AuthKitOptions): DynamicModule {
    return {
      module: AuthKitModule,
      global: true,
      providers: [
        { provide: AUTH_KIT_OPTIONS, useValue: options },
        { provide: JWT_VERIFIER, useValue: options.verifier },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [AUTH_KIT_OPTIONS, JWT_VERIFIER],
    };
  }
}
