import type { ServerResponse } from 'node:http';
import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { CurrentUser, type Principal } from '@polis/auth-kit';
import { parseInput, Unauthorized } from '@polis/platform';
import { z } from 'zod';
import { callerOf } from '../common/caller.js';
import { normalizeQuery } from '../common/query.js';
import { DealStreamService } from './deal-stream.service.js';

const streamIdSchema = z.string().regex(/^\d{1,20}-\d{1,20}$/, 'must be an event id such as 1718012345678-0');
const streamQuerySchema = z.strictObject({ lastEventId: streamIdSchema.optional() });

/** The part of the framework's reply a raw stream needs. */
interface StreamReply {
  raw: ServerResponse;
  hijack(): unknown;
}

/**
 * `GET /internal/v1/streams/deals` (alias `/streams/crm`): the Gateway relays it with the user's
 * token and `Last-Event-ID` (`?lastEventId=` works too, for a first connect).
 */
@Controller('internal/v1/streams')
export class DealStreamController {
  constructor(private readonly streams: DealStreamService) {}

  @Get(['deals', 'crm'])
  async deals(
    @CurrentUser() principal: Principal | undefined,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Query() query: unknown,
    @Res() reply: StreamReply,
  ): Promise<void> {
    if (!principal) throw new Unauthorized();
    const { lastEventId: fromQuery } = parseInput(streamQuerySchema, normalizeQuery(query), 'query');
    const lastEventId =
      lastEventIdHeader !== undefined && lastEventIdHeader.trim() !== ''
        ? parseInput(streamIdSchema, lastEventIdHeader.trim(), 'Last-Event-ID')
        : fromQuery;
    reply.hijack();
    await this.streams.serve(callerOf(principal), principal, lastEventId, reply.raw);
  }
}
