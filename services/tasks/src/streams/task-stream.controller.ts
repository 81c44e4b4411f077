import type { ServerResponse } from 'node:http';
import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { CurrentUser, type Principal } from '@polis/auth-kit';
import { normalizeQuery, Unauthorized } from '@polis/platform';
import { resumeIdOf } from '@polis/sse';
import { callerOf } from '../common/caller.js';
import { TaskStreamService } from './task-stream.service.js';

interface StreamReply {
  raw: ServerResponse;
  hijack(): unknown;
}

/** `GET /internal/v1/streams/tasks`: the Gateway relays it with the user's token and `Last-Event-ID`. */
@Controller('internal/v1/streams')
export class TaskStreamController {
  constructor(private readonly streams: TaskStreamService) {}

  @Get('tasks')
  async tasks(
    @CurrentUser() principal: Principal | undefined,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Query() query: unknown,
    @Res() reply: StreamReply,
  ): Promise<void> {
    if (!principal) throw new Unauthorized();
    const lastEventId = resumeIdOf(lastEventIdHeader, normalizeQuery(query));
    reply.hijack();
    await this.streams.serve(callerOf(principal), principal.expiresAt, lastEventId, reply.raw);
  }
}
