import type { CloudEvent, EventBus, Subscription } from '@polis/bus';
import { crmEventDataSchemas } from '@polis/contracts';
import { applyOnce, type Database, type Tx } from '@polis/db';
import type { Logger } from '@polis/platform';
import { DOCUMENTS_SCHEMA } from '../db/schema.js';
import type { DocumentsConfig } from '../documents.config.js';
import type { FolderService } from '../folders/folder.service.js';

/** CRM's routing keys that create folders, by CloudEvent type. */
const HANDLED_TYPES = {
  'crm.client.created': 'client.created',
  'crm.deal.created': 'deal.created',
  'crm.policy.created': 'policy.created',
  'crm.policy.updated': 'policy.updated',
} as const;
export const CRM_EVENT_BINDINGS = ['client.created', 'deal.created', 'policy.*'];

/**
 * Creates the folder tree as CRM publishes clients, deals and policies (queue `documents.crm` on
 * `crm.events`). Each event is applied once: its id is recorded in `documents.processed_events`
 * in the transaction that inserts the folder rows. A parent that has no folder yet (events can
 * arrive out of order after a retry) gets one named after its id; folders are never renamed.
 */
export class CrmEventsConsumer {
  private subscription: Subscription | undefined;

  constructor(
    private readonly deps: {
      db: Database;
      bus: EventBus;
      config: DocumentsConfig;
      folders: FolderService;
      logger: Logger;
    },
  ) {}

  async start(): Promise<void> {
    const { config } = this.deps;
    this.subscription = await this.deps.bus.subscribe({
      queue: config.crmEvents.queue,
      exchange: config.crmEvents.exchange,
      bindings: CRM_EVENT_BINDINGS,
      handler: (event) => this.handle(event),
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.cancel();
    this.subscription = undefined;
  }

  async handle(event: CloudEvent): Promise<void> {
    const key = HANDLED_TYPES[event.type as keyof typeof HANDLED_TYPES];
    if (key === undefined) return;
    const parsed = crmEventDataSchemas[key].safeParse(event.data);
    if (!parsed.success) {
      // Retried, then dead-lettered with this reason: never dropped silently.
      throw new Error(`${event.type} ${event.id}: data does not match the contract: ${parsed.error.message}`);
    }
    const applied = await applyOnce(
      this.deps.db,
      { schema: DOCUMENTS_SCHEMA, consumer: this.deps.config.crmEvents.queue, eventId: event.id },
      (tx) => this.apply(tx, key, parsed.data as Record<string, unknown>),
    );
    if (applied) this.deps.logger.debug({ event_id: event.id, type: event.type }, 'folder tree updated from CRM');
  }

  private async apply(tx: Tx, key: (typeof HANDLED_TYPES)[keyof typeof HANDLED_TYPES], data: Record<string, unknown>) {
    const folders = this.deps.folders;
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    const client = async (clientId: string, title?: string) =>
      (await folders.ensureWithin(tx, { ownerType: 'client', ownerId: clientId, title: title ?? clientId }, null)).row;
    const deal = async (dealId: string, clientId: string, title?: string) => {
      const parent = await client(clientId);
      return (
        await folders.ensureWithin(
          tx,
          { ownerType: 'deal', ownerId: dealId, title: title ?? dealId },
          parent.storagePath,
        )
      ).row;
    };
    switch (key) {
      case 'client.created':
        await client(data.clientId as string, text(data.name));
        return;
      case 'deal.created':
        await deal(data.dealId as string, data.clientId as string, text(data.title));
        return;
      case 'policy.created':
      case 'policy.updated': {
        const dealId = text(data.dealId);
        const clientId = data.clientId as string;
        const parent = dealId ? await deal(dealId, clientId) : await client(clientId);
        const changes = (data.changes ?? {}) as Record<string, unknown>;
        const title = text(data.policyNumber) ?? text(changes.policyNumber) ?? (data.policyId as string);
        await folders.ensureWithin(
          tx,
          { ownerType: 'policy', ownerId: data.policyId as string, title },
          parent.storagePath,
        );
        return;
      }
    }
  }
}
