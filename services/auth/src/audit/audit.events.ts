import { Inject, Injectable } from '@nestjs/common';
import { createEvent, type OutgoingMessage } from '@polis/bus';
import type { AuthAuditData, AuthAuditKey } from '@polis/contracts';
import { type Database, type Executor, enqueueEvents, type OutboxRelay } from '@polis/db';
import type { AuthConfig } from '../auth.config.js';
import { AUTH_CONFIG, DATABASE, OUTBOX_RELAY } from '../auth.tokens.js';
import type { RequestMeta } from '../common/request-meta.js';
import { AUTH_SCHEMA } from '../db/schema.js';

export const AUDIT_SOURCE = 'auth.service';

/** Who did it and from where. */
export interface Actor {
  id: string | null;
  type: 'user' | 'service' | 'system';
  meta?: RequestMeta;
}

export const SYSTEM_ACTOR: Actor = { id: null, type: 'system' };

export interface AuditEntry {
  key: AuthAuditKey;
  entityType: 'user' | 'role' | 'session' | 'telegram_binding';
  entityId: string;
  outcome?: 'success' | 'failure';
  tags?: Record<string, string>;
}

/** Auth's audit trail: CloudEvents on `audit.events`, written to the outbox with the change they record. */
@Injectable()
export class AuditEvents {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay,
  ) {}

  /** Enqueues inside the caller's transaction; call `published()` after it commits. */
  async record(tx: Executor, actor: Actor, entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await enqueueEvents(
      tx,
      AUTH_SCHEMA,
      entries.map((entry) => auditMessage(this.config.auditExchange, actor, entry)),
    );
  }

  /** For events that change nothing else (a failed login, a replayed token): their own transaction. */
  async recordAlone(actor: Actor, entries: AuditEntry[]): Promise<void> {
    await this.db.transaction((tx) => this.record(tx, actor, entries));
    this.published();
  }

  /** Wakes the relay so committed events go out now rather than at the next poll. */
  published(): void {
    this.relay.notify();
  }
}

/** The outbox message of one audit entry (CloudEvent type = routing key, subject = entity id). */
export function auditMessage(exchange: string, actor: Actor, entry: AuditEntry): OutgoingMessage {
  const data: AuthAuditData = {
    actorId: actor.id,
    actorType: actor.type,
    action: entry.key.replace(/^auth\./, ''),
    entityType: entry.entityType,
    entityId: entry.entityId,
    outcome: entry.outcome ?? 'success',
    tags: entry.tags ?? {},
  };
  if (actor.meta) {
    data.ip = actor.meta.ip;
    if (actor.meta.userAgent !== undefined) data.userAgent = actor.meta.userAgent;
  }
  return {
    exchange,
    routingKey: entry.key,
    event: createEvent({ source: AUDIT_SOURCE, type: entry.key, subject: entry.entityId, data }),
  };
}
