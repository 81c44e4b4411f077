import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { CalendarToken } from '@polis/contracts';
import { and, eq, inArray, isNotNull, or, sql } from 'drizzle-orm';
import ical, { ICalEventStatus } from 'ical-generator';
import { type Caller, SYSTEM_CALLER, userCaller } from '../common/caller.js';
import { forbidden } from '../common/errors.js';
import { TasksDb } from '../common/tasks-db.js';
import { calendarFeedTokens, tasks } from '../db/schema.js';
import { STATUS_NAMES } from '../tasks/task.view.js';
import type { TasksConfig } from '../tasks.config.js';
import { TASKS_CONFIG } from '../tasks.tokens.js';

/** Tasks in a feed: the open and done ones of the last months and all ahead. */
const FEED_LIMIT = 1000;
const FEED_HISTORY_DAYS = 90;

function hashOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * A personal iCalendar feed of the tasks assigned to someone, for Google Calendar or Outlook to
 * subscribe to. Such clients cannot sign in, so the feed also takes a revocable per-user token,
 * of which only a SHA-256 hash is stored.
 */
@Injectable()
export class CalendarService {
  constructor(
    private readonly db: TasksDb,
    @Inject(TASKS_CONFIG) private readonly config: TasksConfig,
  ) {}

  /** Creates the caller's feed token, or replaces (rotates) the one they had. */
  async issue(caller: Caller): Promise<CalendarToken> {
    const userId = requirePerson(caller);
    const token = randomBytes(32).toString('base64url');
    const row = await this.db.write(caller, async (tx) => {
      const [saved] = await tx
        .insert(calendarFeedTokens)
        .values({ userId, tokenHash: hashOf(token) })
        .onConflictDoUpdate({
          target: calendarFeedTokens.userId,
          set: { tokenHash: hashOf(token), createdAt: sql`now()` },
        })
        .returning();
      return saved;
    });
    return { token, url: this.feedUrl(token), createdAt: (row?.createdAt ?? new Date()).toISOString() };
  }

  /** When the caller's token was made; null when they have none. */
  async status(caller: Caller): Promise<{ createdAt: string } | null> {
    const userId = requirePerson(caller);
    const [row] = await this.db.read(caller, (tx) =>
      tx.select().from(calendarFeedTokens).where(eq(calendarFeedTokens.userId, userId)),
    );
    return row ? { createdAt: row.createdAt.toISOString() } : null;
  }

  async revoke(caller: Caller): Promise<void> {
    const userId = requirePerson(caller);
    await this.db.write(caller, (tx) => tx.delete(calendarFeedTokens).where(eq(calendarFeedTokens.userId, userId)));
  }

  /** The user a feed token belongs to; null for an unknown or revoked one. */
  async userOfToken(token: string): Promise<string | null> {
    const [row] = await this.db.read(SYSTEM_CALLER, (tx) =>
      tx
        .select({ userId: calendarFeedTokens.userId })
        .from(calendarFeedTokens)
        .where(eq(calendarFeedTokens.tokenHash, hashOf(token))),
    );
    return row?.userId ?? null;
  }

  /** The `.ics` text of the user's tasks (assigned to them, with a due date or a schedule). */
  async feed(userId: string): Promise<string> {
    const caller = userCaller(userId);
    const since = new Date(Date.now() - FEED_HISTORY_DAYS * 86_400_000);
    const rows = await this.db.read(caller, (tx) =>
      tx
        .select()
        .from(tasks)
        .where(
          and(
            eq(tasks.assigneeId, userId),
            inArray(tasks.statusCode, ['pending', 'scheduled', 'in_progress', 'completed']),
            or(isNotNull(tasks.dueAt), isNotNull(tasks.scheduledFor)),
            sql`coalesce(${tasks.dueAt}, ${tasks.scheduledFor}) >= ${since}`,
          ),
        )
        .orderBy(sql`coalesce(${tasks.dueAt}, ${tasks.scheduledFor})`, tasks.id)
        .limit(FEED_LIMIT),
    );
    const calendar = ical({
      name: 'Polis — мои задачи',
      prodId: { company: 'Polis', product: 'Tasks', language: 'RU' },
      ttl: 900,
    });
    for (const row of rows) {
      const at = (row.dueAt ?? row.scheduledFor) as Date;
      const allDay = at.getUTCHours() === 0 && at.getUTCMinutes() === 0 && at.getUTCSeconds() === 0;
      calendar.createEvent({
        id: `${row.id}@tasks.polis`,
        start: at,
        ...(allDay ? { allDay: true } : { end: new Date(at.getTime() + 30 * 60_000) }),
        summary: row.title,
        description: [row.description ?? '', `Статус: ${STATUS_NAMES[row.statusCode]}`].filter(Boolean).join('\n\n'),
        status: row.statusCode === 'completed' ? ICalEventStatus.CONFIRMED : ICalEventStatus.TENTATIVE,
        lastModified: row.updatedAt,
        created: row.createdAt,
        stamp: row.updatedAt,
      });
    }
    return calendar.toString();
  }

  private feedUrl(token: string): string {
    return `${this.config.publicBaseUrl}/api/v1/tasks/calendar.ics?token=${encodeURIComponent(token)}`;
  }
}

function requirePerson(caller: Caller): string {
  if (caller.userId === null) {
    throw forbidden('A calendar feed belongs to a person; service tokens have none.');
  }
  return caller.userId;
}
