import { type DynamicModule, Global, Module, type Type } from '@nestjs/common';
import type { Registry } from 'prom-client';
import type { Logger } from './logger.js';

/** Injection token of the service's pino logger: `@Inject(LOGGER) logger: Logger`. */
export const LOGGER = Symbol('LOGGER');
/** Injection token of the service's prom-client Registry, for its own metrics. */
export const METRICS = Symbol('METRICS');

@Global()
@Module({})
export class PlatformModule {
  static forService(logger: Logger, metrics: Registry): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      providers: [
        { provide: LOGGER, useValue: logger },
        { provide: METRICS, useValue: metrics },
      ],
      exports: [LOGGER, METRICS],
    };
  }
}

@Module({})
class ServiceRootModule {}

/** The module Nest boots: the platform's global providers next to the service's own module graph. */
export function serviceRootModule(
  module: Type<unknown> | DynamicModule,
  logger: Logger,
  metrics: Registry,
): DynamicModule {
  return { module: ServiceRootModule, imports: [PlatformModule.forService(logger, metrics), module] };
}
