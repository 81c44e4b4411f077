import { Controller, Delete, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { extractAccessToken, JWT_VERIFIER, type JwtVerifier, Public } from '@polis/auth-kit';
import { type CalendarToken, calendarFeedQuerySchema } from '@polis/contracts';
import { normalizeQuery, parseInput, Unauthorized } from '@polis/platform';
import type { Caller } from '../common/caller.js';
import { CurrentCaller } from '../common/principal.js';
import { CalendarService } from './calendar.service.js';

interface FeedRequest {
  headers: Record<string, string | string[] | undefined>;
}
interface FeedReply {
  status(code: number): FeedReply;
  header(name: string, value: string): FeedReply;
  send(body: string): unknown;
}

@Controller('api/v1/tasks')
export class CalendarController {
  constructor(
    private readonly calendar: CalendarService,
    @Inject(JWT_VERIFIER) private readonly verifier: JwtVerifier,
  ) {}

  /**
   * `GET /api/v1/tasks/calendar.ics`: the signed-in user's feed (Bearer or cookie), or the feed of
   * the user whose feed token `?token=` is; 401 for neither (a revoked token included).
   */
  @Get('calendar.ics')
  @Public()
  async feed(@Req() request: FeedRequest, @Query() query: unknown, @Res() reply: FeedReply): Promise<void> {
    const { token } = parseInput(calendarFeedQuerySchema, normalizeQuery(query), 'query');
    let userId: string | null = null;
    if (token !== undefined) {
      userId = await this.calendar.userOfToken(token);
      if (userId === null) throw new Unauthorized('The calendar feed token is not valid.', 'invalid_token');
    } else {
      const jwt = extractAccessToken(request.headers);
      if (!jwt) throw new Unauthorized('Sign in, or subscribe with a calendar feed token.', 'unauthorized');
      const principal = await this.verifier.verify(jwt);
      if (!/^[0-9a-f-]{36}$/i.test(principal.userId)) {
        throw new Unauthorized('A calendar feed belongs to a person.', 'unauthorized');
      }
      userId = principal.userId.toLowerCase();
    }
    const body = await this.calendar.feed(userId);
    reply
      .status(200)
      .header('content-type', 'text/calendar; charset=utf-8')
      .header('content-disposition', 'inline; filename="tasks.ics"')
      .header('cache-control', 'private, max-age=300')
      .send(body);
  }

  /** The caller's feed token: when it was made (the token itself is not kept); 204 when none. */
  @Get('calendar/token')
  async status(@CurrentCaller() caller: Caller, @Res({ passthrough: true }) reply: FeedReply) {
    const status = await this.calendar.status(caller);
    if (status === null) reply.status(204);
    return status ?? undefined;
  }

  /** Creates the caller's feed token or rotates it (the old address stops working). */
  @Post('calendar/token')
  @HttpCode(201)
  issue(@CurrentCaller() caller: Caller): Promise<CalendarToken> {
    return this.calendar.issue(caller);
  }

  @Delete('calendar/token')
  @HttpCode(204)
  async revoke(@CurrentCaller() caller: Caller): Promise<void> {
    await this.calendar.revoke(caller);
  }
}
