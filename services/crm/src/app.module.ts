import { type DynamicModule, Module } from '@nestjs/common';
import { AuthKitModule, type JwtVerifier } from '@polis/auth-kit';
import type { Cache } from '@polis/cache';
import type { Database, OutboxRelay } from '@polis/db';
import { type Clock } from '@polis/platform';
import { CalculationController } from './calculations/calculation.controller.js';
import { CalculationRepository } from './calculations/calculation.repository.js';
import { CalculationService } from './calculations/calculation.service.js';
import { ClientController } from './clients/client.controller.js';
import { ClientRepository } from './clients/client.repository.js';
import { ClientService } from './clients/client.service.js';
import { CrmDb } from './common/crm-db.js';
import type { CrmConfig } from './crm.config.js';
import { CLOCK, CRM_CONFIG, DATABASE, DOCUMENTS_CLIENT, OUTBOX_RELAY } from './crm.tokens.js';
import { DealController } from './deals/deal.controller.js';
import { DealRepository } from './deals/deal.repository.js';
import { DealService } from './deals/deal.service.js';
import type { DocumentsClient } from './documents/documents-client.js';
import { CrmEvents } from './events/crm.events.js';
import type { ReplayLog } from './events/replay-log.js';
import { JournalController } from './journal/journal.controller.js';
import { JournalRepository } from './journal/journal.repository.js';
import { JournalService } from './journal/journal.service.js';
import { ParticipantController } from './participants/participant.controller.js';
import { ParticipantRepository } from './participants/participant.repository.js';
import { ParticipantService } from './participants/participant.service.js';
import { CsvBodyParser } from './payments/csv-body.parser.js';
import { PaymentController, PolicyCashFlowController } from './payments/payment.controller.js';
import { PaymentRepository } from './payments/payment.repository.js';
import { PaymentService } from './payments/payment.service.js';
import { PaymentImportRepository } from './payments/payment-import.repository.js';
import { PaymentImportService } from './payments/payment-import.service.js';
import { PaymentListController } from './payments/payment-list.controller.js';
import { PaymentListRepository } from './payments/payment-list.repository.js';
import { PaymentListService } from './payments/payment-list.service.js';
import { PolicyController } from './policies/policy.controller.js';
import { PolicyRepository } from './policies/policy.repository.js';
import { PolicyService } from './policies/policy.service.js';
import { DealStreamController } from './streams/deal-stream.controller.js';
import { DealStreamService, REPLAY_LOG } from './streams/deal-stream.service.js';

/** What the composition root owns and hands in (it also closes them). */
export interface CrmModuleDeps {
  config: CrmConfig;
  db: Database;
  relay: OutboxRelay;
  replayLog: ReplayLog;
  clock: Clock;
  verifier: JwtVerifier;
  /** Auth's cache, read for `auth:disabled:<userId>`. */
  authCache: Cache;
  /** Checks policy document links against the Documents service. */
  documents: DocumentsClient;
}

@Module({})
export class CrmModule {
  static create(deps: CrmModuleDeps): DynamicModule {
    return {
      module: CrmModule,
      imports: [AuthKitModule.forRoot({ verifier: deps.verifier, cache: deps.authCache })],
      controllers: [
        ClientController,
        DealController,
        ParticipantController,
        JournalController,
        CalculationController,
        PolicyController,
        PaymentController,
        PolicyCashFlowController,
        PaymentListController,
        DealStreamController,
      ],
      providers: [
        { provide: CRM_CONFIG, useValue: deps.config },
        { provide: DATABASE, useValue: deps.db },
        { provide: OUTBOX_RELAY, useValue: deps.relay },
        { provide: REPLAY_LOG, useValue: deps.replayLog },
        { provide: CLOCK, useValue: deps.clock },
        { provide: DOCUMENTS_CLIENT, useValue: deps.documents },
        CrmDb,
        CrmEvents,
        ClientRepository,
        DealRepository,
        ParticipantRepository,
        JournalRepository,
        CalculationRepository,
        PolicyRepository,
        PaymentRepository,
        ClientService,
        DealService,
        ParticipantService,
        JournalService,
        CalculationService,
        PolicyService,
        PaymentService,
        PaymentListRepository,
        PaymentListService,
        PaymentImportRepository,
        PaymentImportService,
        CsvBodyParser,
        DealStreamService,
      ],
    };
  }
}
