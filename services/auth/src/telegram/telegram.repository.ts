import { Inject, Injectable } from '@nestjs/common';
import type { Database, Executor } from '@polis/db';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { DATABASE } from '../auth.tokens.js';
import { type TelegramBindingRow, telegramBindings } from '../db/schema.js';

@Injectable()
export class TelegramRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** The user's live binding (not revoked). */
  async liveOfUser(userId: string, executor: Executor = this.db.drizzle): Promise<TelegramBindingRow | undefined> {
    const [row] = await executor
      .select()
      .from(telegramBindings)
      .where(and(eq(telegramBindings.userId, userId), isNull(telegramBindings.revokedAt)))
      .limit(1);
    return row;
  }

  async liveOfTelegramId(
    telegramId: number,
    executor: Executor = this.db.drizzle,
  ): Promise<TelegramBindingRow | undefined> {
    const [row] = await executor
      .select()
      .from(telegramBindings)
      .where(and(eq(telegramBindings.telegramId, telegramId), isNull(telegramBindings.revokedAt)))
      .limit(1);
    return row;
  }

  /** Creates or revives the user's binding (one row per user; history in `revoked_at`). */
  async link(
    executor: Executor,
    binding: { userId: string; telegramId: number; chatId: number | null; username: string | null },
  ): Promise<void> {
    await executor
      .insert(telegramBindings)
      .values({ ...binding, linkedAt: new Date(), revokedAt: null })
      .onConflictDoUpdate({
        target: telegramBindings.userId,
        set: {
          telegramId: binding.telegramId,
          chatId: binding.chatId,
          username: binding.username,
          linkedAt: sql`now()`,
          revokedAt: null,
        },
      });
  }

  async revoke(executor: Executor, userId: string): Promise<boolean> {
    const rows = await executor
      .update(telegramBindings)
      .set({ revokedAt: new Date() })
      .where(and(eq(telegramBindings.userId, userId), isNull(telegramBindings.revokedAt)))
      .returning({ userId: telegramBindings.userId });
    return rows.length > 0;
  }
}
