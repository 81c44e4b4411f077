import { Inject, Injectable } from '@nestjs/common';
import { createEvent, type OutgoingMessage } from '@polis/bus';
import { CRM_EVENT_SOURCE, type CrmEventData, type CrmEventKey, crmEventType } from '@polis/contracts';
import { type Executor, enqueueEvents } from '@polis/db';
import type { CrmConfig } from '../crm.config.js';
import { CRM_CONFIG } from '../crm.tokens.js';
import { CRM_SCHEMA } from '../db/schema.js';

/** One CRM event: its routing key, the aggregate id (`subject`) and the camelCase data of that key. */
export type CrmEvent = { [K in CrmEventKey]: { key: K; subject: string; data: CrmEventData[K] } }[CrmEventKey];

/** The outbox message of one event: CloudEvent from `crm.deals`, routed by its key. */
export function crmMessage(exchange: string, event: CrmEvent): OutgoingMessage {
  return {
    exchange,
    routingKey: event.key,
    event: createEvent({
      source: CRM_EVENT_SOURCE,
      type: crmEventType(event.key),
      subject: event.subject,
      data: event.data,
    }),
  };
}

/** CRM's events on `crm.events`, written to the outbox in the transaction of the change they describe. */
@Injectable()
export class CrmEvents {
  constructor(@Inject(CRM_CONFIG) private readonly config: CrmConfig) {}

  async emit(tx: Executor, events: CrmEvent[]): Promise<void> {
    if (events.length === 0) return;
    await enqueueEvents(
      tx,
      CRM_SCHEMA,
      events.map((event) => crmMessage(this.config.eventsExchange, event)),
    );
  }
}
