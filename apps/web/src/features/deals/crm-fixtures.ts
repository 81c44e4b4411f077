import type { Calculation, Client, Deal, DealStage, DirectoryEntry, Payment, Policy, User } from '@polis/contracts';
import { STAGE_TO_STATUS } from '@polis/contracts';
import { type FetchCall, json, problem } from '@/test/render';

/** Test data in the shapes the CRM routes answer (ids are fixed GUIDs). */
export const ME_ID = '0b6f3f5e-9a4b-4c53-8d7e-3f1d2c4b5a69';
export const CLIENT_ID = '6a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
export const POLICY_ID = '7b2d3c4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e';
export const PAYMENT_ID = '8c3e4d5f-6a7b-4c8d-9e9f-1a2b3c4d5e6f';

export function guid(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

export const ME: User = {
  id: ME_ID,
  email: 'anna@agency.test',
  fullName: 'Анна Петрова',
  phone: null,
  enabled: true,
  status: 'active',
  roles: [{ id: '33333333-3333-3333-3333-333333333333', name: 'ROLE_SALES_AGENT', description: null }],
  telegramLinked: false,
  lastLoginAt: null,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
} as User;

export const DIRECTORY: DirectoryEntry[] = [
  { id: ME_ID, fullName: 'Анна Петрова', email: 'anna@agency.test', roles: ['ROLE_SALES_AGENT'] },
];

/** An administrator and the rest of the agency, for the owner pickers. */
export const ADMIN: User = {
  ...ME,
  id: guid(600),
  email: 'boss@agency.test',
  fullName: 'Мария Белова',
  roles: [{ id: '22222222-2222-2222-2222-222222222222', name: 'ROLE_ADMIN', description: null }],
} as User;
export const AGENT_ID = guid(601);
export const EXECUTOR_ID = guid(602);
export const AGENCY_DIRECTORY: DirectoryEntry[] = [
  ...DIRECTORY,
  { id: ADMIN.id, fullName: 'Мария Белова', email: 'boss@agency.test', roles: ['ROLE_ADMIN'] },
  { id: AGENT_ID, fullName: 'Ольга Кузнецова', email: 'olga@agency.test', roles: ['ROLE_SALES_AGENT'] },
  { id: EXECUTOR_ID, fullName: 'Елена Морозова', email: 'elena@agency.test', roles: ['ROLE_EXECUTOR'] },
];

export const CLIENT: Client = {
  id: CLIENT_ID,
  name: 'ООО «Ромашка»',
  email: 'office@romashka.test',
  phone: '+7 495 000-00-00',
  status: 'active',
  type: 'company',
  ownerId: ME_ID,
  isDeleted: false,
  version: 1,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
};

export function deal(n: number, stage: DealStage, overrides: Partial<Deal> = {}): Deal {
  return {
    id: guid(n),
    clientId: CLIENT_ID,
    title: `Сделка ${n}`,
    description: null,
    status: STAGE_TO_STATUS[stage],
    stage,
    ownerId: ME_ID,
    nextReviewAt: '2099-01-01',
    isDeleted: false,
    version: 3,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function calculation(overrides: Partial<Calculation> = {}): Calculation {
  return {
    id: guid(500),
    dealId: guid(1),
    ownerId: ME_ID,
    insuranceCompany: 'СОГАЗ',
    programName: 'КАСКО Комфорт',
    premiumAmount: '150000.00',
    coverageSum: '3000000.00',
    calculationDate: '2025-03-01',
    validityPeriod: { start: '2025-04-01', end: '2026-03-31' },
    files: ['quote.pdf'],
    comments: null,
    status: 'ready',
    linkedPolicyId: null,
    isDeleted: false,
    version: 2,
    createdAt: '2025-03-01T00:00:00.000Z',
    updatedAt: '2025-03-01T00:00:00.000Z',
    ...overrides,
  };
}

export function policy(overrides: Partial<Policy> = {}): Policy {
  return {
    id: POLICY_ID,
    clientId: CLIENT_ID,
    dealId: guid(1),
    calculationId: null,
    policyNumber: 'ААА-100',
    status: 'active',
    closedReason: null,
    premium: '100000.00',
    commissionRate: '10.00',
    effectiveFrom: '2025-04-01',
    effectiveTo: '2026-03-31',
    ownerId: ME_ID,
    isDeleted: false,
    version: 1,
    createdAt: '2025-03-01T00:00:00.000Z',
    updatedAt: '2025-03-01T00:00:00.000Z',
    ...overrides,
  };
}

export function payment(overrides: Partial<Payment> = {}): Payment {
  return {
    id: PAYMENT_ID,
    dealId: guid(1),
    policyId: POLICY_ID,
    sequence: 1,
    status: 'scheduled',
    plannedDate: '2025-04-01',
    actualDate: null,
    plannedAmount: '33333.33',
    currency: 'RUB',
    comment: null,
    createdById: ME_ID,
    updatedById: ME_ID,
    recordedById: null,
    incomesTotal: '0.00',
    expensesTotal: '0.00',
    netTotal: '0.00',
    version: 1,
    createdAt: '2025-03-01T00:00:00.000Z',
    updatedAt: '2025-03-01T00:00:00.000Z',
    incomes: [],
    expenses: [],
    ...overrides,
  };
}

export type Route = (call: FetchCall, path: string) => Response | Promise<Response> | undefined;

/** A Gateway double: the given routes first, then the lookups every CRM screen makes. */
export function crmGateway(...routes: Route[]) {
  return (call: FetchCall) => {
    const path = new URL(call.url).pathname.replace('/api/v1', '');
    for (const route of routes) {
      const answer = route(call, path);
      if (answer) return answer;
    }
    if (path === '/auth/me') return json(ME);
    if (path === '/users/directory') return json(DIRECTORY);
    if (path === '/crm/clients' && call.method === 'GET') return json({ items: [CLIENT], nextCursor: null });
    return problem(404, 'not_found');
  };
}
