import type { CloudEvent, EventBus, Subscription } from '@polis/bus';
import { type CrmEventKey, crmEventDataSchemas } from '@polis/contracts';
import { applyOnce, type Database, type OutboxRelay, type Tx } from '@polis/db';
import type { Logger } from '@polis/platform';
import type { AutomationService } from '../automation/automation.service.js';
import type { Anchor } from '../automation/rules.js';
import { TASKS_SCHEMA } from '../db/schema.js';
import { ProjectionRepository } from './projection.repository.js';

/** The CRM events Tasks listens to (queue `tasks.crm`, interfaces.md §4.6). */
export const CRM_BINDINGS = [
  'deal.created',
  'deal.updated',
  'deal.deleted',
  'deal.participant.added',
  'deal.participant.removed',
  'deal.payment.created',
  'deal.payment.updated',
  'deal.payment.deleted',
  'policy.created',
  'policy.updated',
] as const satisfies readonly CrmEventKey[];
type BoundKey = (typeof CRM_BINDINGS)[number];

export interface CrmEventsConsumerOptions {
  db: Database;
  bus: EventBus;
  relay: OutboxRelay;
  automation: AutomationService;
  logger: Logger;
  exchange: string;
  queue: string;
  /** Run the reminder rules on payment and policy changes (TASKS_RULES_ENABLED). */
  rules: boolean;
}

/**
 * Keeps the projection of deal teams, policies and payments from `crm.events`, once per event
 * (`processed_events`), and runs the reminder rules for the record that changed.
 */
export class CrmEventsConsumer {
  private readonly projection = new ProjectionRepository();
  private subscription: Subscription | undefined;

  constructor(private readonly options: CrmEventsConsumerOptions) {}

  async start(): Promise<void> {
    this.subscription = await this.options.bus.subscribe({
      queue: this.options.queue,
      exchange: this.options.exchange,
      bindings: [...CRM_BINDINGS],
      prefetch: 20,
      handler: (event, context) => this.handle(context.routingKey as BoundKey, event),
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.cancel();
    this.subscription = undefined;
  }

  async handle(key: BoundKey, event: CloudEvent): Promise<void> {
    if (!CRM_BINDINGS.includes(key)) return;
    const data = crmEventDataSchemas[key].parse(event.data);
    let generated = 0;
    await applyOnce(
      this.options.db,
      { schema: TASKS_SCHEMA, consumer: this.options.queue, eventId: event.id },
      async (tx) => {
        await this.options.automation.identify(tx);
        const anchor = await this.apply(tx, key, data);
        if (anchor && this.options.rules) generated = (await this.options.automation.evaluate(tx, anchor)).length;
      },
    );
    if (generated > 0) this.options.relay.notify();
  }

  private async apply(tx: Tx, key: BoundKey, raw: unknown): Promise<Anchor | undefined> {
    const p = this.projection;
    switch (key) {
      case 'deal.created': {
        const data = raw as (typeof crmEventDataSchemas)['deal.created']['_output'];
        await p.upsertDeal(tx, {
          dealId: data.dealId,
          clientId: data.clientId,
          ownerId: data.ownerId,
          title: data.title,
        });
        return undefined;
      }
      case 'deal.updated': {
        const data = raw as (typeof crmEventDataSchemas)['deal.updated']['_output'];
        const { changes } = data;
        await p.upsertDeal(tx, {
          dealId: data.dealId,
          ...('ownerId' in changes ? { ownerId: (changes.ownerId as string | null) ?? null } : {}),
          ...(typeof changes.title === 'string' ? { title: changes.title } : {}),
        });
        if (changes.isDeleted === true) await p.deleteDeal(tx, data.dealId);
        return undefined;
      }
      case 'deal.deleted': {
        const data = raw as (typeof crmEventDataSchemas)['deal.deleted']['_output'];
        await p.upsertDeal(tx, { dealId: data.dealId });
        await p.deleteDeal(tx, data.dealId);
        return undefined;
      }
      case 'deal.participant.added': {
        const data = raw as (typeof crmEventDataSchemas)['deal.participant.added']['_output'];
        await p.addMember(tx, data.dealId, data.userId);
        return undefined;
      }
      case 'deal.participant.removed': {
        const data = raw as (typeof crmEventDataSchemas)['deal.participant.removed']['_output'];
        await p.removeMember(tx, data.dealId, data.userId);
        return undefined;
      }
      case 'deal.payment.created':
      case 'deal.payment.updated': {
        const { payment } = raw as (typeof crmEventDataSchemas)['deal.payment.created']['_output'];
        const facts = {
          paymentId: payment.id,
          dealId: payment.dealId,
          policyId: payment.policyId,
          sequence: payment.sequence,
          status: payment.status,
          plannedDate: payment.plannedDate,
          plannedAmount: payment.plannedAmount,
          currency: payment.currency,
          actualDate: payment.actualDate,
        };
        await p.upsertPayment(tx, facts);
        return { kind: 'payment', ...facts };
      }
      case 'deal.payment.deleted': {
        const data = raw as (typeof crmEventDataSchemas)['deal.payment.deleted']['_output'];
        await p.deletePayment(tx, data.paymentId);
        return undefined;
      }
      case 'policy.created': {
        const data = raw as (typeof crmEventDataSchemas)['policy.created']['_output'];
        const facts = {
          policyId: data.policyId,
          dealId: data.dealId,
          clientId: data.clientId,
          policyNumber: data.policyNumber,
          status: data.status,
          effectiveFrom: data.effectiveFrom,
          effectiveTo: data.effectiveTo,
        };
        await p.upsertPolicy(tx, facts);
        return { kind: 'policy', ...facts };
      }
      case 'policy.updated': {
        const data = raw as (typeof crmEventDataSchemas)['policy.updated']['_output'];
        const known = await p.patchPolicy(tx, data.policyId, data.changes);
        if (!known) {
          // First news of a policy created before Tasks listened: keep what the change tells.
          await p.upsertPolicy(tx, {
            policyId: data.policyId,
            dealId: data.dealId,
            clientId: data.clientId,
            status: typeof data.changes.status === 'string' ? data.changes.status : 'unknown',
            effectiveFrom: typeof data.changes.effectiveFrom === 'string' ? data.changes.effectiveFrom : null,
            effectiveTo: typeof data.changes.effectiveTo === 'string' ? data.changes.effectiveTo : null,
          });
        }
        const policy = await p.policy(tx, data.policyId);
        return policy && !policy.isDeleted
          ? {
              kind: 'policy',
              policyId: policy.policyId,
              dealId: policy.dealId,
              clientId: policy.clientId,
              policyNumber: policy.policyNumber,
              status: policy.status,
              effectiveTo: policy.effectiveTo,
            }
          : undefined;
      }
    }
  }
}
