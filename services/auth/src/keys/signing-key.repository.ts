import { Inject, Injectable } from '@nestjs/common';
import type { Database, Executor } from '@polis/db';
import { desc, eq, inArray } from 'drizzle-orm';
import type { JWK } from 'jose';
import { DATABASE } from '../auth.tokens.js';
import { type SigningKeyRow, signingKeys } from '../db/schema.js';

@Injectable()
export class SigningKeyRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** The current key and the previous ones still published, newest first. */
  async published(executor: Executor = this.db.drizzle): Promise<SigningKeyRow[]> {
    return executor
      .select()
      .from(signingKeys)
      .where(inArray(signingKeys.status, ['current', 'previous']))
      .orderBy(desc(signingKeys.createdAt));
  }

  /** Inserts the first key unless another replica was faster; answers whether this one won. */
  async insertFirst(key: { kid: string; privateKey: string; publicJwk: JWK }): Promise<boolean> {
    const inserted = await this.db.drizzle
      .insert(signingKeys)
      .values({ ...key, status: 'current' })
      .onConflictDoNothing()
      .returning({ kid: signingKeys.kid });
    return inserted.length > 0;
  }

  /** The current key becomes previous (still published) and the new key signs from now on. */
  async rotate(key: { kid: string; privateKey: string; publicJwk: JWK }): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.update(signingKeys).set({ status: 'previous' }).where(eq(signingKeys.status, 'current'));
      await tx.insert(signingKeys).values({ ...key, status: 'current' });
    });
  }

  /** Stops publishing every previous key; answers their kids. */
  async retirePrevious(): Promise<string[]> {
    const retired = await this.db.drizzle
      .update(signingKeys)
      .set({ status: 'retired', retiredAt: new Date() })
      .where(eq(signingKeys.status, 'previous'))
      .returning({ kid: signingKeys.kid });
    return retired.map((row) => row.kid);
  }
}
