import { type DynamicModule, Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { type GatewayRoutesDeps, gatewayRoutes } from './gateway.plugin.js';

const GATEWAY_ROUTES_DEPS = Symbol('GATEWAY_ROUTES_DEPS');

/**
 * The Gateway's routes are a Fastify plugin (streamed proxying and SSE do not fit Nest controllers);
 * this registers it on the Fastify instance Nest runs on, before the server starts listening, so it
 * shares the platform's request ids, request logs, metrics and graceful shutdown.
 */
@Injectable()
class GatewayRoutesRegistrar implements OnModuleInit {
  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(GATEWAY_ROUTES_DEPS) private readonly deps: GatewayRoutesDeps,
  ) {}

  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    await fastify.register(gatewayRoutes, this.deps);
  }
}

@Module({})
export class GatewayModule {
  static create(deps: GatewayRoutesDeps): DynamicModule {
    return {
      module: GatewayModule,
      providers: [{ provide: GATEWAY_ROUTES_DEPS, useValue: deps }, GatewayRoutesRegistrar],
    };
  }
}
