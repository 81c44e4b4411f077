import { z } from 'zod';
import { idSchema } from './auth.js';

/* ----------------------------------------------------------------------------------------------
 * Reference data (domain.md §2–§3)
 * -------------------------------------------------------------------------------------------- */

export const CLIENT_STATUSES = ['active', 'inactive', 'prospect'] as const;
export type ClientStatus = (typeof CLIENT_STATUSES)[number];
export const CLIENT_TYPES = ['individual', 'company'] as const;
export type ClientType = (typeof CLIENT_TYPES)[number];

/** Statuses as stored; the API also accepts the synonyms of `DEAL_STATUS_SYNONYMS` on input. */
export const DEAL_STATUSES = ['qualification', 'in_progress', 'proposal', 'won', 'lost'] as const;
export type DealStatus = (typeof DEAL_STATUSES)[number];
export const DEAL_STAGES = ['qualification', 'negotiation', 'proposal', 'closedWon', 'closedLost'] as const;
export type DealStage = (typeof DEAL_STAGES)[number];

export const DEAL_STATUS_SYNONYMS: Readonly<Record<string, DealStatus>> = {
  qualification: 'qualification',
  draft: 'qualification',
  in_progress: 'in_progress',
  negotiation: 'in_progress',
  proposal: 'proposal',
  won: 'won',
  closed_won: 'won',
  lost: 'lost',
  closed_lost: 'lost',
};

export const STAGE_TO_STATUS: Readonly<Record<DealStage, DealStatus>> = {
  qualification: 'qualification',
  negotiation: 'in_progress',
  proposal: 'proposal',
  closedWon: 'won',
  closedLost: 'lost',
};

export const STATUS_TO_STAGE: Readonly<Record<DealStatus, DealStage>> = {
  qualification: 'qualification',
  in_progress: 'negotiation',
  proposal: 'proposal',
  won: 'closedWon',
  lost: 'closedLost',
};

/** The stage a stored (or synonym) status belongs to. */
export function stageOfStatus(status: DealStatus): DealStage {
  return STATUS_TO_STAGE[status];
}

export const CALCULATION_STATUSES = ['draft', 'ready', 'confirmed', 'archived'] as const;
export type CalculationStatus = (typeof CALCULATION_STATUSES)[number];

export const POLICY_STATUSES = ['draft', 'active', 'pending_renewal', 'closed'] as const;
export type PolicyStatus = (typeof POLICY_STATUSES)[number];
export const POLICY_CLOSED_REASONS = ['expired', 'cancelled', 'replaced'] as const;
export type PolicyClosedReason = (typeof POLICY_CLOSED_REASONS)[number];

/** `manager=__NO_MANAGER__` selects deals without an owner. */
export const NO_MANAGER = '__NO_MANAGER__';

/* ----------------------------------------------------------------------------------------------
 * Building blocks
 * -------------------------------------------------------------------------------------------- */

/** Money on input: a decimal string with at most 12 integer digits and 2 decimals (`numeric(14,2)`). */
export const moneySchema = z
  .string()
  .regex(/^\d{1,12}(\.\d{1,2})?$/, 'must be a decimal amount with at most 2 decimals, e.g. "150000.00"');
/** Money that must be greater than zero (premiums, sums insured). */
export const positiveMoneySchema = moneySchema.refine((value) => /[1-9]/.test(value), 'must be greater than 0');

function isCalendarDate(value: string): boolean {
  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A calendar date `YYYY-MM-DD` that exists (2025-02-30 does not). */
export const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(isCalendarDate, 'must be a real calendar date');

const nameSchema = z.string().trim().min(1, 'must not be empty').max(255);
const optionalText = (max: number) => z.string().max(max).nullable().optional();

/** Optimistic concurrency: the `version` the client read; a stale one answers 409 `version_conflict`. */
export const versionSchema = z.number().int().min(1).max(2_147_483_647);

/** A query value that may repeat (`k=a&k=b`): one value becomes a one-element list. */
function repeatable<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value) => (value === undefined || Array.isArray(value) ? value : [value]),
    z.array(item).min(1).max(20),
  );
}

export const limitSchema = z.coerce.number().int().min(1).max(200).default(50);
/** Opaque keyset cursor: `nextCursor` of the previous page. */
export const cursorSchema = z.string().min(1).max(512);
/** Free-text search: trimmed, at most 200 characters. */
export const searchSchema = z.string().trim().min(1).max(200);

/** Keyset page of any list. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

const emailSchema = z.string().trim().max(255).pipe(z.email());
const phoneSchema = z
  .string()
  .trim()
  .max(50)
  .regex(/^\+?[0-9][0-9 ().-]{0,48}$/, 'must be a phone number');

/* ----------------------------------------------------------------------------------------------
 * Path parameters
 * -------------------------------------------------------------------------------------------- */

export const clientIdParamsSchema = z.strictObject({ clientId: idSchema });
export const dealIdParamsSchema = z.strictObject({ dealId: idSchema });
export const participantParamsSchema = z.strictObject({ dealId: idSchema, userId: idSchema });
export const calculationParamsSchema = z.strictObject({ dealId: idSchema, calculationId: idSchema });
export const policyIdParamsSchema = z.strictObject({ policyId: idSchema });
export const policyDocumentParamsSchema = z.strictObject({ policyId: idSchema, documentId: idSchema });

/* ----------------------------------------------------------------------------------------------
 * Clients
 * -------------------------------------------------------------------------------------------- */

export const clientStatusSchema = z.enum(CLIENT_STATUSES);
export const clientTypeSchema = z.enum(CLIENT_TYPES);

export const createClientRequestSchema = z.strictObject({
  name: nameSchema,
  email: emailSchema.nullable().optional(),
  phone: phoneSchema.nullable().optional(),
  status: clientStatusSchema.default('active'),
  type: clientTypeSchema.default('individual'),
  /** Admins may assign anyone or nobody (`null`); others may only name themselves. Default: the caller. */
  ownerId: idSchema.nullable().optional(),
});
export type CreateClientRequest = z.input<typeof createClientRequestSchema>;
export type ParsedCreateClientRequest = z.output<typeof createClientRequestSchema>;

export const updateClientRequestSchema = z
  .strictObject({
    name: nameSchema.optional(),
    email: emailSchema.nullable().optional(),
    phone: phoneSchema.nullable().optional(),
    status: clientStatusSchema.optional(),
    type: clientTypeSchema.optional(),
    /** `true` soft-deletes the client (no undelete). */
    isDeleted: z.literal(true).optional(),
    /** Admin only. */
    ownerId: idSchema.nullable().optional(),
    version: versionSchema.optional(),
  })
  .refine((value) => Object.keys(value).some((key) => key !== 'version'), {
    message: 'at least one field must be given',
  });
export type UpdateClientRequest = z.infer<typeof updateClientRequestSchema>;

export const clientsQuerySchema = z.strictObject({
  search: searchSchema.optional(),
  status: repeatable(clientStatusSchema).optional(),
  /** A user id, or `__NO_MANAGER__` for unassigned clients. */
  ownerId: z.union([idSchema, z.literal(NO_MANAGER)]).optional(),
  limit: limitSchema,
  cursor: cursorSchema.optional(),
});
export type ClientsQuery = z.input<typeof clientsQuerySchema>;
export type ParsedClientsQuery = z.output<typeof clientsQuerySchema>;

export const clientSchema = z.object({
  id: idSchema,
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  status: clientStatusSchema,
  type: clientTypeSchema,
  ownerId: idSchema.nullable(),
  isDeleted: z.boolean(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Client = z.infer<typeof clientSchema>;
export const clientsPageSchema = pageSchema(clientSchema);
export type ClientsPage = z.infer<typeof clientsPageSchema>;

/* ----------------------------------------------------------------------------------------------
 * Deals
 * -------------------------------------------------------------------------------------------- */

export const dealStatusSchema = z.enum(DEAL_STATUSES);
export const dealStageSchema = z.enum(DEAL_STAGES);
/** Any accepted status spelling, mapped to the stored one. */
export const dealStatusInputSchema = z
  .enum(Object.keys(DEAL_STATUS_SYNONYMS) as [string, ...string[]])
  .transform((value): DealStatus => DEAL_STATUS_SYNONYMS[value] as DealStatus);

const descriptionSchema = optionalText(5000);

export const createDealRequestSchema = z.strictObject({
  clientId: idSchema,
  title: nameSchema,
  description: descriptionSchema,
  /** A new deal starts in qualification (`draft` is its synonym). */
  status: dealStatusInputSchema.optional(),
  /** Admins may assign anyone or nobody (`null`); others may only name themselves. Default: the caller. */
  ownerId: idSchema.nullable().optional(),
  nextReviewAt: dateSchema,
});
export type CreateDealRequest = z.input<typeof createDealRequestSchema>;
export type ParsedCreateDealRequest = z.output<typeof createDealRequestSchema>;

export const updateDealRequestSchema = z
  .strictObject({
    title: nameSchema.optional(),
    description: descriptionSchema,
    status: dealStatusInputSchema.optional(),
    /** Never null: omit it to keep the date. */
    nextReviewAt: dateSchema.optional(),
    /** Admin only. */
    ownerId: idSchema.nullable().optional(),
    version: versionSchema.optional(),
  })
  .refine((value) => Object.keys(value).some((key) => key !== 'version'), {
    message: 'at least one field must be given',
  });
export type UpdateDealRequest = z.input<typeof updateDealRequestSchema>;
export type ParsedUpdateDealRequest = z.output<typeof updateDealRequestSchema>;

export const dealStageRequestSchema = z.strictObject({ stage: dealStageSchema, version: versionSchema.optional() });
export type DealStageRequest = z.infer<typeof dealStageRequestSchema>;

export const parkDealRequestSchema = z.strictObject({ version: versionSchema.optional() });
export type ParkDealRequest = z.infer<typeof parkDealRequestSchema>;

export const DEAL_PERIODS = ['7d', '30d', '90d', 'all'] as const;
export type DealPeriod = (typeof DEAL_PERIODS)[number];

/** Filters shared by the deal list and the stage metrics. */
const dealFilterShape = {
  /** One stage, several (`stage=a&stage=b`), or `all`. */
  stage: repeatable(z.enum([...DEAL_STAGES, 'all'])).optional(),
  /** Stored statuses or their synonyms (the benchmark and older clients filter by status). */
  status: repeatable(dealStatusInputSchema).optional(),
  /** User ids and/or `__NO_MANAGER__`. */
  manager: repeatable(z.union([idSchema, z.literal(NO_MANAGER)])).optional(),
  period: z.enum(DEAL_PERIODS).optional(),
  search: searchSchema.optional(),
  clientId: idSchema.optional(),
};

export const dealsQuerySchema = z.strictObject({
  ...dealFilterShape,
  limit: limitSchema,
  cursor: cursorSchema.optional(),
});
export type DealsQuery = z.input<typeof dealsQuerySchema>;
export type ParsedDealsQuery = z.output<typeof dealsQuerySchema>;

export const stageMetricsQuerySchema = z.strictObject(dealFilterShape);
export type StageMetricsQuery = z.input<typeof stageMetricsQuerySchema>;
export type ParsedStageMetricsQuery = z.output<typeof stageMetricsQuerySchema>;

export const dealSchema = z.object({
  id: idSchema,
  clientId: idSchema,
  title: z.string(),
  description: z.string().nullable(),
  status: dealStatusSchema,
  stage: dealStageSchema,
  ownerId: idSchema.nullable(),
  nextReviewAt: z.string(),
  isDeleted: z.boolean(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Deal = z.infer<typeof dealSchema>;

/** One deal as `GET /deals/{id}` answers it: with the "park until next event" suggestion. */
export const dealDetailSchema = dealSchema.extend({ suggestedNextReviewAt: z.string().nullable() });
export type DealDetail = z.infer<typeof dealDetailSchema>;

export const dealsPageSchema = pageSchema(dealSchema);
export type DealsPage = z.infer<typeof dealsPageSchema>;

export const stageMetricSchema = z.object({
  stage: dealStageSchema,
  count: z.number().int(),
  /** Σ planned amounts of live, non-cancelled payments of the stage's deals (decimal string). */
  totalValue: z.string(),
  /** Share of the matched deals in this stage, 0–1. */
  conversionRate: z.number(),
  /** Mean of updatedAt − createdAt in days; null when the stage is empty. */
  avgCycleDurationDays: z.number().nullable(),
});
export type StageMetric = z.infer<typeof stageMetricSchema>;
export const stageMetricsSchema = z.array(stageMetricSchema);

/* ----------------------------------------------------------------------------------------------
 * Deal team
 * -------------------------------------------------------------------------------------------- */

export const addParticipantRequestSchema = z.strictObject({ userId: idSchema });
export type AddParticipantRequest = z.infer<typeof addParticipantRequestSchema>;

export const participantSchema = z.object({
  dealId: idSchema,
  userId: idSchema,
  addedById: idSchema.nullable(),
  createdAt: z.string(),
});
export type Participant = z.infer<typeof participantSchema>;
export const participantsSchema = z.array(participantSchema);

/* ----------------------------------------------------------------------------------------------
 * Journal
 * -------------------------------------------------------------------------------------------- */

export const journalQuerySchema = z.strictObject({
  limit: limitSchema,
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type JournalQuery = z.input<typeof journalQuerySchema>;
export type ParsedJournalQuery = z.output<typeof journalQuerySchema>;

export const appendJournalRequestSchema = z.strictObject({
  body: z
    .string()
    .min(1)
    .max(5000)
    .refine((value) => value.trim().length > 0, 'must not be blank'),
  /** Honoured only for service callers (the bot acts as the user, so this is for machines). */
  authorId: idSchema.optional(),
});
export type AppendJournalRequest = z.infer<typeof appendJournalRequestSchema>;

export const journalEntrySchema = z.object({
  id: idSchema,
  dealId: idSchema,
  authorId: idSchema,
  body: z.string(),
  createdAt: z.string(),
});
export type JournalEntry = z.infer<typeof journalEntrySchema>;
export const journalPageSchema = z.object({ items: z.array(journalEntrySchema), total: z.number().int() });
export type JournalPage = z.infer<typeof journalPageSchema>;

/* ----------------------------------------------------------------------------------------------
 * Calculations
 * -------------------------------------------------------------------------------------------- */

export const calculationStatusSchema = z.enum(CALCULATION_STATUSES);

/** Inclusive validity period of a quote. */
export const validityPeriodSchema = z
  .strictObject({ start: dateSchema, end: dateSchema })
  .refine((period) => period.end >= period.start, { message: 'end must not be before start', path: ['end'] });
export type ValidityPeriod = z.infer<typeof validityPeriodSchema>;

const filesSchema = z.array(z.string().trim().min(1).max(1024)).max(50);

export const createCalculationRequestSchema = z.strictObject({
  insuranceCompany: nameSchema,
  programName: nameSchema.nullable().optional(),
  premiumAmount: positiveMoneySchema.nullable().optional(),
  coverageSum: positiveMoneySchema.nullable().optional(),
  calculationDate: dateSchema,
  validityPeriod: validityPeriodSchema.nullable().optional(),
  /** Storage paths, links or document ids. */
  files: filesSchema.optional(),
  comments: optionalText(2000),
  /** The responsible user, usually the executor. */
  ownerId: idSchema,
});
export type CreateCalculationRequest = z.infer<typeof createCalculationRequestSchema>;

export const updateCalculationRequestSchema = z
  .strictObject({
    insuranceCompany: nameSchema.optional(),
    programName: nameSchema.nullable().optional(),
    premiumAmount: positiveMoneySchema.nullable().optional(),
    coverageSum: positiveMoneySchema.nullable().optional(),
    calculationDate: dateSchema.optional(),
    /** `null` clears it. */
    validityPeriod: validityPeriodSchema.nullable().optional(),
    files: filesSchema.optional(),
    comments: optionalText(2000),
    ownerId: idSchema.optional(),
    version: versionSchema.optional(),
  })
  .refine((value) => Object.keys(value).some((key) => key !== 'version'), {
    message: 'at least one field must be given',
  });
export type UpdateCalculationRequest = z.infer<typeof updateCalculationRequestSchema>;

export const calculationStatusRequestSchema = z.strictObject({
  status: z.enum(['ready', 'confirmed', 'archived']),
  /** On confirmation: a policy of the same deal to link (it must not be linked to another quote). */
  policyId: idSchema.optional(),
  version: versionSchema.optional(),
});
export type CalculationStatusRequest = z.infer<typeof calculationStatusRequestSchema>;

export const calculationsQuerySchema = z
  .strictObject({
    status: repeatable(calculationStatusSchema).optional(),
    /** Case-insensitive substring. */
    insuranceCompany: searchSchema.optional(),
    calculationDateFrom: dateSchema.optional(),
    calculationDateTo: dateSchema.optional(),
    limit: limitSchema,
    cursor: cursorSchema.optional(),
  })
  .refine(
    (query) =>
      query.calculationDateFrom === undefined ||
      query.calculationDateTo === undefined ||
      query.calculationDateFrom <= query.calculationDateTo,
    { message: 'calculationDateFrom must not be after calculationDateTo', path: ['calculationDateTo'] },
  );
export type CalculationsQuery = z.input<typeof calculationsQuerySchema>;
export type ParsedCalculationsQuery = z.output<typeof calculationsQuerySchema>;

export const calculationSchema = z.object({
  id: idSchema,
  dealId: idSchema,
  ownerId: idSchema,
  insuranceCompany: z.string(),
  programName: z.string().nullable(),
  premiumAmount: z.string().nullable(),
  coverageSum: z.string().nullable(),
  calculationDate: z.string(),
  validityPeriod: z.object({ start: z.string(), end: z.string() }).nullable(),
  files: z.array(z.string()),
  comments: z.string().nullable(),
  status: calculationStatusSchema,
  /** The policy issued from (or linked to) this quote. */
  linkedPolicyId: idSchema.nullable(),
  isDeleted: z.boolean(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Calculation = z.infer<typeof calculationSchema>;
export const calculationsPageSchema = pageSchema(calculationSchema);
export type CalculationsPage = z.infer<typeof calculationsPageSchema>;

/** Live, non-archived quotes of a deal side by side, cheapest premium first. */
export const calculationComparisonSchema = z.object({
  dealId: idSchema,
  cheapestCalculationId: idSchema.nullable(),
  items: z.array(
    z.object({
      calculationId: idSchema,
      insuranceCompany: z.string(),
      programName: z.string().nullable(),
      status: calculationStatusSchema,
      premiumAmount: z.string().nullable(),
      coverageSum: z.string().nullable(),
      validityPeriod: z.object({ start: z.string(), end: z.string() }).nullable(),
      calculationDate: z.string(),
      /** True for the quote(s) with the lowest premium. */
      cheapest: z.boolean(),
    }),
  ),
});
export type CalculationComparison = z.infer<typeof calculationComparisonSchema>;

/* ----------------------------------------------------------------------------------------------
 * Policies
 * -------------------------------------------------------------------------------------------- */

export const policyStatusSchema = z.enum(POLICY_STATUSES);
export const policyClosedReasonSchema = z.enum(POLICY_CLOSED_REASONS);
const policyNumberSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._/#№-]*$/u, 'must be letters, digits, spaces and . _ / # № -');

function periodInOrder(value: { effectiveFrom?: string | null; effectiveTo?: string | null }): boolean {
  return !value.effectiveFrom || !value.effectiveTo || value.effectiveTo >= value.effectiveFrom;
}
const periodOrderIssue = { message: 'effectiveTo must not be before effectiveFrom', path: ['effectiveTo'] };

/**
 * The commission rate of a policy: percent of the premium, 0–100 with at most two decimals, as a
 * decimal string (`"12.5"` is read as `"12.50"`).
 */
export const commissionRateSchema = z
  .string()
  .regex(
    /^(?:100(?:\.0{1,2})?|[1-9]?\d(?:\.\d{1,2})?)$/,
    'must be a percent from 0 to 100 with at most 2 decimals, e.g. "12.50"',
  )
  .transform((value) => {
    const [whole, fraction = ''] = value.split('.');
    return `${whole}.${fraction.padEnd(2, '0')}`;
  });

export const createPolicyRequestSchema = z
  .strictObject({
    clientId: idSchema,
    /** Null only for imported policies. */
    dealId: idSchema.nullable().optional(),
    policyNumber: policyNumberSchema,
    /** `active` for a policy that is already issued. */
    status: z.enum(['draft', 'active']).default('draft'),
    premium: positiveMoneySchema.nullable().optional(),
    commissionRate: commissionRateSchema.nullable().optional(),
    effectiveFrom: dateSchema.nullable().optional(),
    effectiveTo: dateSchema.nullable().optional(),
    /** The servicing user. */
    ownerId: idSchema,
  })
  .refine(periodInOrder, periodOrderIssue);
export type CreatePolicyRequest = z.input<typeof createPolicyRequestSchema>;
export type ParsedCreatePolicyRequest = z.output<typeof createPolicyRequestSchema>;

/** `POST /crm/deals/{dealId}/calculations/{calculationId}/policy`: issues the policy of a chosen quote. */
export const issuePolicyRequestSchema = z
  .strictObject({
    policyNumber: policyNumberSchema,
    status: z.enum(['draft', 'active']).default('draft'),
    /** Default: the quote's premium. */
    premium: positiveMoneySchema.optional(),
    commissionRate: commissionRateSchema.nullable().optional(),
    /** Default: the quote's validity period. */
    effectiveFrom: dateSchema.optional(),
    effectiveTo: dateSchema.optional(),
    /** Default: the caller. */
    ownerId: idSchema.optional(),
  })
  .refine(periodInOrder, periodOrderIssue);
export type IssuePolicyRequest = z.input<typeof issuePolicyRequestSchema>;
export type ParsedIssuePolicyRequest = z.output<typeof issuePolicyRequestSchema>;

export const updatePolicyRequestSchema = z
  .strictObject({
    status: policyStatusSchema.optional(),
    /** Required when closing. */
    closedReason: policyClosedReasonSchema.optional(),
    premium: positiveMoneySchema.nullable().optional(),
    commissionRate: commissionRateSchema.nullable().optional(),
    effectiveFrom: dateSchema.nullable().optional(),
    effectiveTo: dateSchema.nullable().optional(),
    /** `true` soft-deletes the policy. */
    isDeleted: z.literal(true).optional(),
    version: versionSchema.optional(),
  })
  .refine((value) => Object.keys(value).some((key) => key !== 'version'), {
    message: 'at least one field must be given',
  })
  .refine(periodInOrder, periodOrderIssue);
export type UpdatePolicyRequest = z.output<typeof updatePolicyRequestSchema>;

export const policiesQuerySchema = z.strictObject({
  dealId: idSchema.optional(),
  clientId: idSchema.optional(),
  status: repeatable(policyStatusSchema).optional(),
  limit: limitSchema,
  cursor: cursorSchema.optional(),
});
export type PoliciesQuery = z.input<typeof policiesQuerySchema>;
export type ParsedPoliciesQuery = z.output<typeof policiesQuerySchema>;

export const policySchema = z.object({
  id: idSchema,
  clientId: idSchema,
  dealId: idSchema.nullable(),
  calculationId: idSchema.nullable(),
  policyNumber: z.string(),
  status: policyStatusSchema,
  closedReason: policyClosedReasonSchema.nullable(),
  premium: z.string().nullable(),
  /** Percent of the premium, e.g. "12.50"; null when not agreed. */
  commissionRate: z.string().nullable(),
  effectiveFrom: z.string().nullable(),
  effectiveTo: z.string().nullable(),
  ownerId: idSchema,
  isDeleted: z.boolean(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Policy = z.infer<typeof policySchema>;
export const policiesPageSchema = pageSchema(policySchema);
export type PoliciesPage = z.infer<typeof policiesPageSchema>;

export const linkPolicyDocumentRequestSchema = z.strictObject({ documentId: idSchema });
export type LinkPolicyDocumentRequest = z.infer<typeof linkPolicyDocumentRequestSchema>;

export const policyDocumentSchema = z.object({
  id: idSchema,
  policyId: idSchema,
  documentId: idSchema,
  createdAt: z.string(),
});
export type PolicyDocument = z.infer<typeof policyDocumentSchema>;
export const policyDocumentsSchema = z.array(policyDocumentSchema);

/* ----------------------------------------------------------------------------------------------
 * Payments and their income / expense lines (domain.md §2.8–2.9, §3.4)
 * -------------------------------------------------------------------------------------------- */

export const PAYMENT_STATUSES = ['scheduled', 'partially_paid', 'paid', 'cancelled'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
/** RUB only in v1; other ISO 4217 codes parse, and the service answers `unsupported_currency`. */
export const PAYMENT_CURRENCIES = ['RUB'] as const;
export const MOVEMENT_DIRECTIONS = ['incomes', 'expenses'] as const;
export type MovementDirection = (typeof MOVEMENT_DIRECTIONS)[number];

/**
 * A payment amount: a decimal string greater than zero, at most 12 integer digits without leading
 * zeros and at most 2 decimals. `1e3`, `12.345`, `-0`, `+1`, `1,5`, `NaN`, `007` and numbers fail.
 */
export const paymentAmountSchema = z
  .string()
  .regex(
    /^(?:0|[1-9]\d{0,11})(?:\.\d{1,2})?$/,
    'must be a decimal amount with at most 2 decimals and no leading zeros, e.g. "150000.00"',
  )
  .refine((value) => /[1-9]/.test(value), 'must be greater than 0');
export const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as RUB');
export const paymentStatusSchema = z.enum(PAYMENT_STATUSES);

export const paymentListParamsSchema = z.strictObject({ dealId: idSchema, policyId: idSchema });
export const paymentParamsSchema = paymentListParamsSchema.extend({ paymentId: idSchema });
export const movementParamsSchema = paymentParamsSchema.extend({ movementId: idSchema });

const includeSchema = repeatable(z.enum(MOVEMENT_DIRECTIONS));
const commentSchema = z.string().max(500).nullable().optional();

export const createPaymentRequestSchema = z.strictObject({
  plannedAmount: paymentAmountSchema,
  currency: currencySchema,
  plannedDate: dateSchema.nullable().optional(),
  comment: commentSchema,
  /** Closes the payment by hand (with `recordedById`, default the caller): it is paid. */
  actualDate: dateSchema.nullable().optional(),
  recordedById: idSchema.nullable().optional(),
  createdById: idSchema.optional(),
});
export type CreatePaymentRequest = z.infer<typeof createPaymentRequestSchema>;

export const updatePaymentRequestSchema = z
  .strictObject({
    plannedDate: dateSchema.nullable().optional(),
    plannedAmount: paymentAmountSchema.optional(),
    currency: currencySchema.optional(),
    comment: commentSchema,
    /** A date closes the payment by hand; null reopens it (status derives from the incomes again). */
    actualDate: dateSchema.nullable().optional(),
    recordedById: idSchema.optional(),
    /** Administrators only; final. */
    status: z.literal('cancelled').optional(),
    version: versionSchema.optional(),
  })
  .refine((value) => Object.keys(value).some((key) => key !== 'version'), {
    message: 'at least one field must be given',
  });
export type UpdatePaymentRequest = z.infer<typeof updatePaymentRequestSchema>;

/** `POST .../payments/schedule`: installments of the policy's premium, adding up to it to the kopeck. */
export const paymentScheduleRequestSchema = z.strictObject({
  count: z.number().int().min(1).max(60),
  firstDate: dateSchema,
  intervalMonths: z.number().int().min(1).max(12),
});
export type PaymentScheduleRequest = z.infer<typeof paymentScheduleRequestSchema>;

export const paymentsQuerySchema = z.strictObject({
  status: repeatable(paymentStatusSchema).optional(),
  include: includeSchema.optional(),
  limit: limitSchema,
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type PaymentsQuery = z.input<typeof paymentsQuerySchema>;
export type ParsedPaymentsQuery = z.output<typeof paymentsQuerySchema>;

export const paymentQuerySchema = z.strictObject({ include: includeSchema.optional() });
export type ParsedPaymentQuery = z.output<typeof paymentQuerySchema>;

const categorySchema = z.string().trim().min(1, 'must not be empty').max(64);
const noteSchema = z.string().max(300).nullable().optional();

export const createMovementRequestSchema = z.strictObject({
  amount: paymentAmountSchema,
  currency: currencySchema,
  category: categorySchema,
  postedAt: dateSchema,
  note: noteSchema,
});
export type CreateMovementRequest = z.infer<typeof createMovementRequestSchema>;

export const updateMovementRequestSchema = z
  .strictObject({
    amount: paymentAmountSchema.optional(),
    currency: currencySchema.optional(),
    category: categorySchema.optional(),
    postedAt: dateSchema.optional(),
    note: noteSchema,
  })
  .refine((value) => Object.keys(value).length > 0, { message: 'at least one field must be given' });
export type UpdateMovementRequest = z.infer<typeof updateMovementRequestSchema>;

export const deleteMovementQuerySchema = z.strictObject({ deletedById: idSchema.optional() });

/** An income or expense line; the direction comes from the route. */
export const movementSchema = z.object({
  id: idSchema,
  paymentId: idSchema,
  amount: z.string(),
  currency: z.string(),
  category: z.string(),
  postedAt: z.string(),
  note: z.string().nullable(),
  createdById: idSchema.nullable(),
  updatedById: idSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Movement = z.infer<typeof movementSchema>;
export const movementsSchema = z.array(movementSchema);

export const paymentSchema = z.object({
  id: idSchema,
  dealId: idSchema,
  policyId: idSchema,
  sequence: z.number().int(),
  status: paymentStatusSchema,
  plannedDate: z.string().nullable(),
  actualDate: z.string().nullable(),
  plannedAmount: z.string(),
  currency: z.string(),
  comment: z.string().nullable(),
  createdById: idSchema.nullable(),
  updatedById: idSchema.nullable(),
  recordedById: idSchema.nullable(),
  incomesTotal: z.string(),
  expensesTotal: z.string(),
  netTotal: z.string(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  incomes: movementsSchema.optional(),
  expenses: movementsSchema.optional(),
});
export type Payment = z.infer<typeof paymentSchema>;
export const paymentsPageSchema = z.object({ items: z.array(paymentSchema), total: z.number().int() });
export type PaymentsPage = z.infer<typeof paymentsPageSchema>;

/* ----------------------------------------------------------------------------------------------
 * Commission, cash flow, the payments list, export and import (issue 5)
 * -------------------------------------------------------------------------------------------- */

/** Income categories that pay the premium (the client's money); `commission` and `bonus` are the agency's. */
export const PREMIUM_INCOME_CATEGORIES = ['premium', 'installment', 'wire', 'cash'] as const;
/** The income category of the insurer's commission; `bonus` is counted apart from it. */
export const COMMISSION_INCOME_CATEGORY = 'commission';
export const BONUS_INCOME_CATEGORY = 'bonus';
/** The expense category of a colleague's share of a commission. */
export const COLLEAGUE_PAYOUT_CATEGORY = 'colleague_payout';

/** `GET /crm/deals/{dealId}/policies/{policyId}/cash-flow`: every amount a decimal string summed in SQL. */
export const policyCashFlowSchema = z.object({
  policyId: idSchema,
  dealId: idSchema,
  policyNumber: z.string(),
  currency: z.string(),
  premium: z.string().nullable(),
  /** Σ planned amounts of the live, not cancelled payments of the policy. */
  premiumDue: z.string(),
  /** Σ live income lines of the premium categories (PREMIUM_INCOME_CATEGORIES). */
  premiumPaid: z.string(),
  /** premiumDue − premiumPaid, never below 0. */
  premiumOutstanding: z.string(),
  commission: z.object({
    rate: z.string().nullable(),
    /** premium × rate / 100 rounded half-up to the kopeck; null without premium or rate. */
    expected: z.string().nullable(),
    /** Σ live income lines of category `commission`. */
    received: z.string(),
    /** expected − received, never below 0; null when nothing is expected. */
    outstanding: z.string().nullable(),
  }),
  /** Σ live income lines of category `bonus` (not part of the commission). */
  bonusReceived: z.string(),
  /** Σ live income lines of any other category. */
  otherIncome: z.string(),
  incomesTotal: z.string(),
  /** Σ live expense lines by category, largest first. */
  payouts: z.array(z.object({ category: z.string(), amount: z.string() })),
  expensesTotal: z.string(),
  /** incomesTotal − expensesTotal (may be negative): the agency's result on the policy. */
  net: z.string(),
});
export type PolicyCashFlow = z.infer<typeof policyCashFlowSchema>;

/** A share of a commission in percent: 0.01–100 with at most two decimals. */
const sharePercentSchema = z
  .string()
  .regex(/^(?:100(?:\.0{1,2})?|[1-9]?\d(?:\.\d{1,2})?)$/, 'must be a percent from 0.01 to 100 with at most 2 decimals')
  .refine((value) => /[1-9]/.test(value), 'must be greater than 0');
const shareNameSchema = z.string().trim().min(1).max(120).optional();

/**
 * `POST .../payments/{paymentId}/commission-split`: one `colleague_payout` expense line per
 * colleague, either by percent of the commission received on the payment or by amount.
 */
export const commissionSplitRequestSchema = z.strictObject({
  shares: z.union([
    z
      .array(z.strictObject({ userId: idSchema, percent: sharePercentSchema, name: shareNameSchema }))
      .min(1)
      .max(20),
    z
      .array(z.strictObject({ userId: idSchema, amount: paymentAmountSchema, name: shareNameSchema }))
      .min(1)
      .max(20),
  ]),
  /** Default: today. */
  postedAt: dateSchema.optional(),
});
export type CommissionSplitRequest = z.infer<typeof commissionSplitRequestSchema>;

export const commissionSplitResultSchema = z.object({
  /** Commission received on the payment (Σ live `commission` incomes). */
  commissionReceived: z.string(),
  /** Colleague payouts on the payment before this split. */
  previouslySplit: z.string(),
  /** Σ of the new lines. */
  split: z.string(),
  /** What stays with the agency: received − all colleague payouts. */
  remaining: z.string(),
  expenses: movementsSchema,
  payment: paymentSchema,
});
export type CommissionSplitResult = z.infer<typeof commissionSplitResultSchema>;

/** Filters of the payments list and its export (every payment the caller may see). */
const paymentFilterShape = {
  status: repeatable(paymentStatusSchema).optional(),
  dealId: idSchema.optional(),
  policyId: idSchema.optional(),
  /** Planned date range, inclusive. */
  plannedFrom: dateSchema.optional(),
  plannedTo: dateSchema.optional(),
  /** Actual (paid) date range, inclusive; payments without one are left out when given. */
  paidFrom: dateSchema.optional(),
  paidTo: dateSchema.optional(),
};
const rangesInOrder = (value: { plannedFrom?: string; plannedTo?: string; paidFrom?: string; paidTo?: string }) =>
  (!value.plannedFrom || !value.plannedTo || value.plannedFrom <= value.plannedTo) &&
  (!value.paidFrom || !value.paidTo || value.paidFrom <= value.paidTo);
const rangeIssue = { message: 'a range must not end before it starts', path: ['plannedTo'] };

/** `GET /crm/payments`: by planned date (missing last), then id; keyset pages. */
export const allPaymentsQuerySchema = z
  .strictObject({ ...paymentFilterShape, limit: limitSchema, cursor: cursorSchema.optional() })
  .refine(rangesInOrder, rangeIssue);
export type AllPaymentsQuery = z.input<typeof allPaymentsQuerySchema>;
export type ParsedAllPaymentsQuery = z.output<typeof allPaymentsQuerySchema>;

export const PAYMENT_EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type PaymentExportFormat = (typeof PAYMENT_EXPORT_FORMATS)[number];
/** `GET /crm/payments/export`: the same filters, every matching row. */
export const paymentsExportQuerySchema = z
  .strictObject({ ...paymentFilterShape, format: z.enum(PAYMENT_EXPORT_FORMATS).default('csv') })
  .refine(rangesInOrder, rangeIssue);
export type ParsedPaymentsExportQuery = z.output<typeof paymentsExportQuerySchema>;

/** A payment of the list, with its policy's number. */
export const paymentListItemSchema = paymentSchema.extend({ policyNumber: z.string() });
export type PaymentListItem = z.infer<typeof paymentListItemSchema>;
export const paymentListPageSchema = pageSchema(paymentListItemSchema);
export type PaymentListPage = z.infer<typeof paymentListPageSchema>;

/** The columns of an export, in order (header row of the CSV and the XLSX sheet). */
export const PAYMENT_EXPORT_COLUMNS = [
  'policy_number',
  'payment_sequence',
  'status',
  'planned_date',
  'planned_amount',
  'currency',
  'actual_date',
  'incomes_total',
  'expenses_total',
  'net_total',
  'comment',
  'deal_id',
  'policy_id',
  'payment_id',
] as const;

/**
 * The columns of an import file (header row required, any order, case-insensitive). `currency`
 * and `note` may be left out; `posted_at` is `YYYY-MM-DD` or `DD.MM.YYYY`.
 */
export const PAYMENT_IMPORT_COLUMNS = [
  'policy_number',
  'payment_sequence',
  'direction',
  'amount',
  'currency',
  'category',
  'posted_at',
  'note',
] as const;
export const PAYMENT_IMPORT_REQUIRED_COLUMNS = [
  'policy_number',
  'payment_sequence',
  'direction',
  'amount',
  'category',
  'posted_at',
] as const;

export const PAYMENT_IMPORT_MODES = ['dry-run', 'apply'] as const;
export type PaymentImportMode = (typeof PAYMENT_IMPORT_MODES)[number];
/** `POST /crm/payments/import?mode=dry-run|apply` with `Content-Type: text/csv`. */
export const paymentImportQuerySchema = z.strictObject({ mode: z.enum(PAYMENT_IMPORT_MODES).default('dry-run') });

/** One refused row: its line in the file (the header is line 1), the column and a stable code. */
export const importRowErrorSchema = z.object({
  line: z.number().int(),
  column: z.string().nullable(),
  code: z.string(),
  message: z.string(),
});
export type ImportRowError = z.infer<typeof importRowErrorSchema>;

/** The NDJSON lines of an import answer: progress lines, then one result or report line. */
export const importProgressLineSchema = z.object({ type: z.literal('progress'), rows: z.number().int() });
export const importResultLineSchema = z.object({
  type: z.literal('result'),
  mode: z.enum(PAYMENT_IMPORT_MODES),
  rows: z.number().int(),
  /** False for a dry run. */
  written: z.boolean(),
  incomes: z.number().int(),
  expenses: z.number().int(),
  /** Payments that get (or would get) lines. */
  payments: z.number().int(),
});
export const importReportLineSchema = z.object({
  type: z.literal('report'),
  mode: z.enum(PAYMENT_IMPORT_MODES),
  rows: z.number().int(),
  written: z.literal(false),
  /** Every refused row, in file order, up to the report's cap. */
  errors: z.array(importRowErrorSchema),
  errorCount: z.number().int(),
  truncated: z.boolean(),
});
/** The import could not finish (file over the size limit, server failure); nothing was written. */
export const importErrorLineSchema = z.object({ type: z.literal('error'), code: z.string(), message: z.string() });
export const importLineSchema = z.discriminatedUnion('type', [
  importProgressLineSchema,
  importResultLineSchema,
  importReportLineSchema,
  importErrorLineSchema,
]);
export type ImportLine = z.infer<typeof importLineSchema>;
export type ImportResultLine = z.infer<typeof importResultLineSchema>;
export type ImportReportLine = z.infer<typeof importReportLineSchema>;

/* ----------------------------------------------------------------------------------------------
 * Events on `crm.events` (interfaces.md §4.3, camelCase data) and the `deals` SSE stream
 * -------------------------------------------------------------------------------------------- */

export const CRM_EVENT_KEYS = [
  'deal.created',
  'deal.updated',
  'deal.status.changed',
  'deal.deleted',
  'deal.journal.appended',
  'deal.calculation.created',
  'deal.calculation.updated',
  'deal.calculation.deleted',
  'deal.calculation.status.ready',
  'deal.calculation.status.confirmed',
  'deal.calculation.status.archived',
  'deal.participant.added',
  'deal.participant.removed',
  'deal.payment.created',
  'deal.payment.updated',
  'deal.payment.deleted',
  'deal.payment.income.created',
  'deal.payment.income.updated',
  'deal.payment.income.deleted',
  'deal.payment.expense.created',
  'deal.payment.expense.updated',
  'deal.payment.expense.deleted',
  'policy.created',
  'policy.updated',
  'client.created',
  'client.updated',
] as const;
export type CrmEventKey = (typeof CRM_EVENT_KEYS)[number];

export const CRM_EVENT_SOURCE = 'crm.deals';

/**
 * CloudEvent `type` of a routing key: `crm.` + the key, its last dot turned into `_` when the key
 * has three or more words (`deal.status.changed` → `crm.deal.status_changed`); two-word keys stay
 * as they are (`deal.created` → `crm.deal.created`), as `task.created` → `tasks.task.created`.
 */
export function crmEventType(key: CrmEventKey): string {
  const words = key.split('.');
  if (words.length < 3) return `crm.${key}`;
  const last = words.pop() as string;
  return `crm.${words.join('.')}_${last}`;
}

const actorIdSchema = z.string().nullable();
const changesSchema = z.record(z.string(), z.unknown());

export const dealCreatedDataSchema = z.object({
  dealId: idSchema,
  clientId: idSchema,
  title: z.string(),
  status: dealStatusSchema,
  stage: dealStageSchema,
  ownerId: idSchema.nullable(),
  nextReviewAt: z.string(),
  createdAt: z.string(),
  actorId: actorIdSchema,
});
export const dealUpdatedDataSchema = z.object({
  dealId: idSchema,
  changes: changesSchema,
  previous: changesSchema,
  updatedAt: z.string(),
  actorId: actorIdSchema,
});
export const dealStatusChangedDataSchema = z.object({
  dealId: idSchema,
  oldStatus: dealStatusSchema,
  newStatus: dealStatusSchema,
  stage: dealStageSchema,
  changedAt: z.string(),
  actorId: actorIdSchema,
});
export const dealDeletedDataSchema = z.object({ dealId: idSchema, deletedAt: z.string(), actorId: actorIdSchema });
export const journalAppendedDataSchema = z.object({
  dealId: idSchema,
  entryId: idSchema,
  authorId: idSchema,
  body: z.string(),
  createdAt: z.string(),
});
export const calculationEventDataSchema = z.object({
  dealId: idSchema,
  calculationId: idSchema,
  status: calculationStatusSchema,
  insuranceCompany: z.string(),
  calculationDate: z.string(),
  programName: z.string().nullable(),
  premiumAmount: z.string().nullable(),
  policyId: idSchema.nullable(),
  actorId: actorIdSchema,
});
export const participantAddedDataSchema = z.object({
  dealId: idSchema,
  userId: idSchema,
  addedById: idSchema.nullable(),
  addedAt: z.string(),
  actorId: actorIdSchema,
});
export const participantRemovedDataSchema = z.object({
  dealId: idSchema,
  userId: idSchema,
  removedAt: z.string(),
  actorId: actorIdSchema,
});
export const policyCreatedDataSchema = z.object({
  policyId: idSchema,
  dealId: idSchema.nullable(),
  clientId: idSchema,
  calculationId: idSchema.nullable(),
  policyNumber: z.string(),
  status: policyStatusSchema,
  effectiveFrom: z.string().nullable(),
  effectiveTo: z.string().nullable(),
  createdAt: z.string(),
  actorId: actorIdSchema,
});
export const policyUpdatedDataSchema = z.object({
  policyId: idSchema,
  dealId: idSchema.nullable(),
  clientId: idSchema,
  changes: changesSchema,
  previous: changesSchema,
  updatedAt: z.string(),
  actorId: actorIdSchema,
});
export const clientCreatedDataSchema = z.object({
  clientId: idSchema,
  name: z.string(),
  status: clientStatusSchema,
  type: clientTypeSchema,
  ownerId: idSchema.nullable(),
  createdAt: z.string(),
  actorId: actorIdSchema,
});
export const clientUpdatedDataSchema = z.object({
  clientId: idSchema,
  changes: changesSchema,
  previous: changesSchema,
  updatedAt: z.string(),
  actorId: actorIdSchema,
});

/** PaymentData of interfaces.md §4.3: the full payment with its live lines. */
export const paymentDataSchema = paymentSchema.extend({ incomes: movementsSchema, expenses: movementsSchema });
export type PaymentData = z.infer<typeof paymentDataSchema>;
export const paymentEventDataSchema = z.object({
  dealId: idSchema,
  policyId: idSchema,
  payment: paymentDataSchema,
  actorId: actorIdSchema,
});
export const paymentDeletedDataSchema = z.object({
  dealId: idSchema,
  policyId: idSchema,
  paymentId: idSchema,
  deletedAt: z.string(),
  actorId: actorIdSchema,
});
const lineBase = { dealId: idSchema, policyId: idSchema, paymentId: idSchema, actorId: actorIdSchema };
const lineFields = {
  paymentId: idSchema,
  amount: z.string(),
  currency: z.string(),
  category: z.string(),
  postedAt: z.string(),
  note: z.string().nullable(),
  createdById: idSchema.nullable(),
  updatedById: idSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
};
const lineDeletedFields = { deletedAt: z.string(), deletedById: idSchema.nullable() };
export const incomeEventDataSchema = z.object({
  ...lineBase,
  income: z.object({ incomeId: idSchema, ...lineFields }),
  previous: changesSchema.optional(),
});
export const incomeDeletedDataSchema = z.object({
  ...lineBase,
  income: z.object({ incomeId: idSchema, ...lineDeletedFields }),
});
export const expenseEventDataSchema = z.object({
  ...lineBase,
  expense: z.object({ expenseId: idSchema, ...lineFields }),
  previous: changesSchema.optional(),
});
export const expenseDeletedDataSchema = z.object({
  ...lineBase,
  expense: z.object({ expenseId: idSchema, ...lineDeletedFields }),
});

/** The `data` schema of every CRM event key (consumers validate with these). */
export const crmEventDataSchemas = {
  'deal.created': dealCreatedDataSchema,
  'deal.updated': dealUpdatedDataSchema,
  'deal.status.changed': dealStatusChangedDataSchema,
  'deal.deleted': dealDeletedDataSchema,
  'deal.journal.appended': journalAppendedDataSchema,
  'deal.calculation.created': calculationEventDataSchema,
  'deal.calculation.updated': calculationEventDataSchema,
  'deal.calculation.deleted': calculationEventDataSchema,
  'deal.calculation.status.ready': calculationEventDataSchema,
  'deal.calculation.status.confirmed': calculationEventDataSchema,
  'deal.calculation.status.archived': calculationEventDataSchema,
  'deal.participant.added': participantAddedDataSchema,
  'deal.participant.removed': participantRemovedDataSchema,
  'deal.payment.created': paymentEventDataSchema,
  'deal.payment.updated': paymentEventDataSchema,
  'deal.payment.deleted': paymentDeletedDataSchema,
  'deal.payment.income.created': incomeEventDataSchema,
  'deal.payment.income.updated': incomeEventDataSchema,
  'deal.payment.income.deleted': incomeDeletedDataSchema,
  'deal.payment.expense.created': expenseEventDataSchema,
  'deal.payment.expense.updated': expenseEventDataSchema,
  'deal.payment.expense.deleted': expenseDeletedDataSchema,
  'policy.created': policyCreatedDataSchema,
  'policy.updated': policyUpdatedDataSchema,
  'client.created': clientCreatedDataSchema,
  'client.updated': clientUpdatedDataSchema,
} as const satisfies Record<CrmEventKey, z.ZodType>;

export type CrmEventData = { [K in CrmEventKey]: z.infer<(typeof crmEventDataSchemas)[K]> };
