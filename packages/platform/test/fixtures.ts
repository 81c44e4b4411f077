import {
  Body,
  type CanActivate,
  Controller,
  type DynamicModule,
  type ExecutionContext,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  Injectable,
  type MiddlewareConsumer,
  Module,
  type NestMiddleware,
  type NestModule,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import { z } from 'zod';
import {
  Conflict,
  createLogger,
  currentRequestId,
  Forbidden,
  Gone,
  Invalid,
  LOGGER,
  type Logger,
  NotFound,
  outgoingContextHeaders,
  parseInput,
  TooManyRequests,
  Unauthorized,
  Unavailable,
} from '../src/index.js';

/** A logger that keeps its JSON lines in memory, for assertions. */
export function memoryLogger(
  service = 'test',
  level = 'debug',
): { logger: Logger; lines: string[]; records(): Array<Record<string, unknown>> } {
  const lines: string[] = [];
  const logger = createLogger({ service, level, destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/** A latch the test opens; lets a request stay in flight for exactly as long as the test needs. */
export class Gate {
  entered = 0;
  private release!: () => void;
  readonly opened = new Promise<void>((resolve) => {
    this.release = resolve;
  });
  open(): void {
    this.release();
  }
}

export const GATE = Symbol('GATE');
export const EVENTS = Symbol('EVENTS');

/** Stands in for the auth guard of auth-kit: it sets `request.user`. */
@Injectable()
class FakeAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | undefined>; user?: unknown }>();
    const userId = request.headers['x-test-user'];
    if (userId !== undefined) request.user = { userId };
    return true;
  }
}

const createThing = z.object({ name: z.string().min(1), size: z.number().int().positive() });

@Controller('api/v1/things')
@UseGuards(FakeAuthGuard)
class ThingsController {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  @Get(':id')
  get(@Param('id') id: string): { id: string; requestId: string | undefined } {
    if (id === 'missing') throw new NotFound('Thing missing does not exist.', 'thing_not_found');
    this.logger.info({ thing: id }, 'thing read');
    return { id, requestId: currentRequestId() };
  }

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown): { name: string; size: number; requestId: string | undefined } {
    return { ...parseInput(createThing, body, 'thing'), requestId: currentRequestId() };
  }
}

@Controller('api/v1/failures')
class FailuresController {
  @Get(':kind')
  fail(@Param('kind') kind: string): never {
    switch (kind) {
      case 'invalid':
        throw new Invalid('Size must be positive.', 'validation_error', {
          errors: [{ field: 'size', message: 'must be positive' }],
        });
      case 'unauthorized':
        throw new Unauthorized('The token has expired.', 'token_expired');
      case 'forbidden':
        throw new Forbidden('Only the deal owner may do this.');
      case 'conflict':
        throw new Conflict('The deal cannot move from won to new.', 'invalid_transition', {
          details: { current: 'won', next: 'new' },
        });
      case 'gone':
        throw new Gone('The link has expired.', 'link_expired');
      case 'rate-limited':
        throw new TooManyRequests(30);
      case 'unavailable':
        throw new Unavailable('The database does not answer.');
      case 'nest-forbidden':
        throw new ForbiddenException('Nest says no');
      default:
        throw new Error('connect ECONNREFUSED postgres://admin:hunter2@db:5432');
    }
  }
}

@Controller('api/v1/context')
class ContextController {
  /** What an outgoing call made from this request would carry. */
  @Get('outgoing-headers')
  headers(): Record<string, string> {
    return outgoingContextHeaders();
  }
}

@Controller('slow')
class SlowController {
  constructor(
    @Inject(GATE) private readonly gate: Gate,
    @Inject(EVENTS) private readonly events: string[],
  ) {}

  @Get()
  async wait(): Promise<{ finished: true }> {
    this.gate.entered += 1;
    await this.gate.opened;
    this.events.push('request finished');
    return { finished: true };
  }
}

/** A middleware that refuses some requests: its errors reach the filter with Node's raw response. */
@Injectable()
class BlockingMiddleware implements NestMiddleware {
  use(request: { headers: Record<string, string | undefined> }, _response: unknown, next: () => void): void {
    if (request.headers['x-block'] !== undefined) throw new Forbidden('Blocked by middleware.', 'blocked');
    next();
  }
}

@Module({})
export class TestAppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(BlockingMiddleware).forRoutes(ThingsController);
  }

  static with(options: { gate?: Gate; events?: string[] } = {}): DynamicModule {
    return {
      module: TestAppModule,
      controllers: [ThingsController, FailuresController, ContextController, SlowController],
      providers: [
        FakeAuthGuard,
        { provide: GATE, useValue: options.gate ?? new Gate() },
        { provide: EVENTS, useValue: options.events ?? [] },
      ],
    };
  }
}

/** Polls `condition` until it holds; fails after `timeoutMs` instead of sleeping a fixed time. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
