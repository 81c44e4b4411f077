import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { createEvent, type OutgoingMessage } from '@polis/bus';
import {
  DOCUMENTS_EVENT_SOURCE,
  type DocumentEventData,
  type DocumentEventKey,
  documentEventType,
  type FolderOwnerType,
} from '@polis/contracts';
import { type Executor, enqueueEvents } from '@polis/db';
import { auditLog, DOCUMENTS_SCHEMA } from '../db/schema.js';
import type { DocumentsConfig } from '../documents.config.js';
import { DOCUMENTS_CONFIG } from '../documents.tokens.js';

/** One Documents event: its routing key, the document id (`subject`) and the data of that key. */
export type DocumentEvent = {
  [K in DocumentEventKey]: { key: K; subject: string; data: DocumentEventData[K] };
}[DocumentEventKey];

/** One audited action (platform.md §1.10): a row in `documents.audit_log` and an `audit.events` message. */
export interface AuditEntry {
  action: string;
  documentId?: string | null;
  ownerType?: FolderOwnerType | null;
  ownerId?: string | null;
  actorId: string | null;
  actorType: 'user' | 'service' | 'system';
  details?: Record<string, unknown>;
  outcome?: 'success' | 'failure';
}

export function actorTypeOf(caller: { isService: boolean } | null): 'user' | 'service' | 'system' {
  if (caller === null) return 'system';
  return caller.isService ? 'service' : 'user';
}

/** Writes events to the outbox in the transaction of the change they describe. */
@Injectable()
export class DocumentsEvents {
  constructor(@Inject(DOCUMENTS_CONFIG) private readonly config: DocumentsConfig) {}

  async emit(tx: Executor, events: DocumentEvent[]): Promise<void> {
    if (events.length === 0) return;
    const messages: OutgoingMessage[] = events.map((event) => ({
      exchange: this.config.eventsExchange,
      routingKey: event.key,
      event: createEvent({
        source: DOCUMENTS_EVENT_SOURCE,
        type: documentEventType(event.key),
        subject: event.subject,
        data: event.data,
      }),
    }));
    await enqueueEvents(tx, DOCUMENTS_SCHEMA, messages);
  }

  /** Records an audited action here and sends it to Audit (`audit.events`, key `documents.<action>`). */
  async audit(tx: Executor, entry: AuditEntry): Promise<void> {
    const id = randomUUID();
    const details = entry.details ?? {};
    await tx.insert(auditLog).values({
      id,
      action: entry.action,
      documentId: entry.documentId ?? null,
      ownerType: entry.ownerType ?? null,
      ownerId: entry.ownerId ?? null,
      actorId: entry.actorId,
      actorType: entry.actorType,
      details,
    });
    const key = `documents.${entry.action}`;
    await enqueueEvents(tx, DOCUMENTS_SCHEMA, [
      {
        exchange: this.config.auditExchange,
        routingKey: key,
        event: createEvent({
          id,
          source: DOCUMENTS_EVENT_SOURCE,
          type: key,
          subject: entry.documentId ?? entry.ownerId ?? undefined,
          data: {
            actorId: entry.actorId,
            actorType: entry.actorType,
            action: entry.action,
            entityType: entry.documentId ? 'document' : (entry.ownerType ?? 'document'),
            entityId: entry.documentId ?? entry.ownerId ?? null,
            outcome: entry.outcome ?? 'success',
            tags: Object.fromEntries(Object.entries(details).map(([k, v]) => [k, String(v)])),
          },
        }),
      },
    ]);
  }
}
