import type { Database } from '@polis/db';
import { addDays, systemClock } from '@polis/platform';
import {
  calculations,
  clients,
  dealJournal,
  dealParticipants,
  deals,
  paymentExpenses,
  paymentIncomes,
  payments,
  policies,
} from '../db/schema.js';

/** The demo agency's people (Auth's demo users, domain.md §5). */
export const DEMO_CRM_USERS = {
  anna: 'b342f7f5-0d59-4cdd-bc17-5e2d6c3fb001',
  pavel: '0c1cc9fb-50a7-4b15-a765-2251c0633004',
  sergey: 'e94f8a3a-2b1d-4d1f-a42e-3056c9cf5002',
  olga: '6fda31ff-7b74-4ba0-9188-8d6504b63005',
  elena: '709cb79d-9ac3-4a56-88ac-9a8bc7033003',
  dmitry: '3f0d5c2e-8a41-4e7b-9c6d-1b2a3c4d5006',
} as const;

const id = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Fixed ids of the demo records, so other seeds (payments, tasks, documents) can refer to them. */
export const DEMO_CRM_IDS = {
  clients: {
    C1: id('c1000000', 1),
    C2: id('c1000000', 2),
    C3: id('c1000000', 3),
    C4: id('c1000000', 4),
    C5: id('c1000000', 5),
    C6: id('c1000000', 6),
  },
  deals: {
    D1: id('d1000000', 1),
    D2: id('d1000000', 2),
    D3: id('d1000000', 3),
    D4: id('d1000000', 4),
    D5: id('d1000000', 5),
    D6: id('d1000000', 6),
    D7: id('d1000000', 7),
  },
  calculations: {
    D1_INGOS: id('ca100000', 11),
    D1_RESO: id('ca100000', 12),
    D2_INGOS: id('ca100000', 21),
    D2_ALFA: id('ca100000', 22),
    D2_SOGLASIE: id('ca100000', 23),
    D3_VSK: id('ca100000', 31),
    D5_SOGAZ: id('ca100000', 51),
    D6_SBER: id('ca100000', 61),
    D7_VSK: id('ca100000', 71),
  },
  policies: { P1: id('a1000000', 1), P3: id('a1000000', 3), P4: id('a1000000', 4) },
  payments: {
    P1_1: id('b1000000', 11),
    P1_2: id('b1000000', 12),
    P1_3: id('b1000000', 13),
    P1_4: id('b1000000', 14),
    P3_1: id('b1000000', 31),
    P3_2: id('b1000000', 32),
    P3_3: id('b1000000', 33),
    P4_1: id('b1000000', 41),
    P4_2: id('b1000000', 42),
  },
} as const;

export interface SeedCrmDemoOptions {
  /** The load date T (`YYYY-MM-DD`); default today in Moscow. Review dates and periods are relative to it. */
  today?: string;
}

export interface SeedCrmDemoResult {
  /** Rows inserted by this call (0 everywhere when the demo data was already there). */
  clients: number;
  deals: number;
  calculations: number;
  policies: number;
  payments: number;
}

/**
 * Loads the demo agency's CRM data (domain.md §5): clients C1–C6, deals D1–D7 with their owners,
 * statuses, review dates, quotes, policies P1/P3/P4 with their commission rates, payments and
 * their income / expense lines, journal notes and Елена Морозова on the teams of D1, D2, D3 and D7.
 * Idempotent: existing rows are left as they are. Written directly (no events): it is reference
 * data, loaded before anything listens; the payments' totals and statuses are written as the
 * service would derive them from the lines.
 */
export async function seedCrmDemo(db: Database, options: SeedCrmDemoOptions = {}): Promise<SeedCrmDemoResult> {
  const T = options.today ?? systemClock('Europe/Moscow').today();
  const day = (offset: number) => addDays(T, offset);
  const at = (offset: number) => new Date(`${day(offset)}T09:00:00.000Z`);
  const u = DEMO_CRM_USERS;
  const C = DEMO_CRM_IDS.clients;
  const D = DEMO_CRM_IDS.deals;
  const Q = DEMO_CRM_IDS.calculations;
  const P = DEMO_CRM_IDS.policies;

  return db.transaction(async (tx) => {
    const insertedClients = await tx
      .insert(clients)
      .values([
        {
          id: C.C1,
          ownerId: u.sergey,
          name: 'ООО «Страховые решения»',
          email: 'info@insure-solutions.example',
          phone: '+7-495-100-2000',
          status: 'active',
          type: 'company',
        },
        {
          id: C.C2,
          ownerId: u.olga,
          name: 'Иван Петров',
          email: 'ivan.petrov@example.com',
          phone: '+7-916-555-1020',
          status: 'active',
          type: 'individual',
        },
        {
          id: C.C3,
          ownerId: u.sergey,
          name: 'ООО «СтройМонтаж-Инвест»',
          email: 'office@stroymontazh.example',
          phone: '+7-495-200-3040',
          status: 'active',
          type: 'company',
        },
        {
          id: C.C4,
          ownerId: null,
          name: 'ИП Соколова М. В.',
          email: null,
          phone: '+7-903-111-2233',
          status: 'prospect',
          type: 'company',
        },
        {
          id: C.C5,
          ownerId: u.olga,
          name: 'Фёдоров А. Н.',
          email: 'fedorov@example.com',
          phone: null,
          status: 'inactive',
          type: 'individual',
        },
        {
          id: C.C6,
          ownerId: u.dmitry,
          name: 'ООО «Медцентр Здоровье»',
          email: 'hr@medcenter.example',
          phone: '+7-812-300-4050',
          status: 'active',
          type: 'company',
        },
      ])
      .onConflictDoNothing()
      .returning({ id: clients.id });

    const deal = (
      key: keyof typeof D,
      clientId: string,
      ownerId: string | null,
      title: string,
      status: 'qualification' | 'in_progress' | 'proposal' | 'won' | 'lost',
      review: number,
      createdDaysAgo: number,
      description: string,
    ) => ({
      id: D[key],
      clientId,
      ownerId,
      title,
      description,
      status,
      nextReviewAt: day(review),
      createdAt: at(-createdDaysAgo),
    });
    const insertedDeals = await tx
      .insert(deals)
      .values([
        deal(
          'D1',
          C.C1,
          u.sergey,
          'Страхование автопарка (25 авто, ОСАГО+КАСКО)',
          'won',
          6,
          60,
          'Корпоративный автопарк: 25 легковых автомобилей.',
        ),
        deal(
          'D2',
          C.C2,
          u.olga,
          'КАСКО для Tesla Model Y',
          'proposal',
          3,
          20,
          'Новый автомобиль, страхование от угона и ущерба.',
        ),
        deal(
          'D3',
          C.C3,
          u.sergey,
          'ОСАГО/КАСКО спецтехники',
          'in_progress',
          1,
          10,
          'Экскаваторы и автокраны, 8 единиц.',
        ),
        deal('D4', C.C4, null, 'Ответственность ИП', 'qualification', 0, 2, 'Страхование гражданской ответственности.'),
        deal(
          'D5',
          C.C6,
          u.dmitry,
          'ДМС на 40 сотрудников',
          'won',
          -2,
          120,
          'Добровольное медицинское страхование персонала.',
        ),
        deal('D6', C.C5, u.olga, 'Ипотечное страхование', 'lost', -40, 70, 'Страхование квартиры и жизни заёмщика.'),
        deal(
          'D7',
          C.C3,
          u.sergey,
          'Страхование склада',
          'won',
          18,
          360,
          'Складской комплекс, имущество и ответственность.',
        ),
      ])
      .onConflictDoNothing()
      .returning({ id: deals.id });

    await tx
      .insert(dealParticipants)
      .values(
        [D.D1, D.D2, D.D3, D.D7].map((dealId) => ({ dealId, userId: u.elena, addedById: u.sergey, createdAt: at(-1) })),
      )
      .onConflictDoNothing();

    const quote = (
      quoteId: string,
      dealId: string,
      insuranceCompany: string,
      status: 'draft' | 'ready' | 'confirmed' | 'archived',
      premiumAmount: string | null,
      programName: string | null,
      offset: number,
    ) => ({
      id: quoteId,
      dealId,
      ownerId: u.elena,
      insuranceCompany,
      programName,
      premiumAmount,
      coverageSum: premiumAmount === null ? null : (Number(premiumAmount) * 40).toFixed(2),
      calculationDate: day(offset),
      validityPeriod: status === 'draft' ? null : { start: day(offset), end: day(offset + 364) },
      status,
      files: status === 'draft' ? [] : [`demo/${dealId}/${insuranceCompany}.pdf`],
      comments: null,
    });
    const insertedCalculations = await tx
      .insert(calculations)
      .values([
        quote(Q.D1_INGOS, D.D1, 'Ингосстрах', 'confirmed', '2500000.00', 'Автопарк Бизнес', -35),
        quote(Q.D1_RESO, D.D1, 'РЕСО-Гарантия', 'archived', '2740000.00', 'Автопарк Стандарт', -35),
        quote(Q.D2_INGOS, D.D2, 'Ингосстрах', 'ready', '182000.00', 'КАСКО Премиум', -5),
        quote(Q.D2_ALFA, D.D2, 'АльфаСтрахование', 'ready', '149500.00', 'КАСКО Оптимум', -4),
        quote(Q.D2_SOGLASIE, D.D2, 'Согласие', 'draft', null, null, -3),
        quote(Q.D3_VSK, D.D3, 'ВСК', 'draft', null, 'Спецтехника', -1),
        quote(Q.D5_SOGAZ, D.D5, 'СОГАЗ', 'confirmed', '1400000.00', 'ДМС Корпоративный', -100),
        quote(Q.D6_SBER, D.D6, 'Сбер Страхование', 'archived', '18900.00', 'Ипотека Комплекс', -50),
        quote(Q.D7_VSK, D.D7, 'ВСК', 'confirmed', '420000.00', 'Имущество Склад', -345),
      ])
      .onConflictDoNothing()
      .returning({ id: calculations.id });

    const insertedPolicies = await tx
      .insert(policies)
      .values([
        {
          id: P.P1,
          clientId: C.C1,
          dealId: D.D1,
          calculationId: Q.D1_INGOS,
          ownerId: u.sergey,
          policyNumber: 'CR-2024-0001',
          status: 'active',
          premium: '2500000.00',
          commissionRate: '14.00',
          effectiveFrom: day(-30),
          effectiveTo: day(334),
        },
        {
          id: P.P3,
          clientId: C.C6,
          dealId: D.D5,
          calculationId: Q.D5_SOGAZ,
          ownerId: u.dmitry,
          policyNumber: 'CR-2024-0003',
          status: 'active',
          premium: '1400000.00',
          commissionRate: '10.00',
          effectiveFrom: day(-95),
          effectiveTo: day(270),
        },
        {
          id: P.P4,
          clientId: C.C3,
          dealId: D.D7,
          calculationId: Q.D7_VSK,
          ownerId: u.sergey,
          policyNumber: 'CR-2024-0004',
          status: 'pending_renewal',
          premium: '420000.00',
          commissionRate: '10.00',
          effectiveFrom: day(-340),
          effectiveTo: day(25),
        },
      ])
      .onConflictDoNothing()
      .returning({ id: policies.id });

    const Y = DEMO_CRM_IDS.payments;
    const payment = (
      paymentId: string,
      dealId: string,
      policyId: string,
      sequence: number,
      planned: number,
      plannedAmount: string,
      comment: string,
      totals: {
        status: 'scheduled' | 'partially_paid' | 'paid';
        incomes?: string;
        expenses?: string;
        net?: string;
        actual?: number;
        recordedById?: string;
      },
    ) => ({
      id: paymentId,
      dealId,
      policyId,
      sequence,
      status: totals.status,
      plannedDate: day(planned),
      plannedAmount,
      currency: 'RUB',
      comment,
      actualDate: totals.actual === undefined ? null : day(totals.actual),
      recordedById: totals.recordedById ?? null,
      createdById: u.sergey,
      updatedById: u.sergey,
      incomesTotal: totals.incomes ?? '0.00',
      expensesTotal: totals.expenses ?? '0.00',
      netTotal: totals.net ?? '0.00',
    });
    const insertedPayments = await tx
      .insert(payments)
      .values([
        payment(Y.P1_1, D.D1, P.P1, 1, -28, '1250000.00', 'Премия, первая половина', {
          status: 'paid',
          incomes: '1250000.00',
          net: '1250000.00',
          actual: -29,
          recordedById: u.pavel,
        }),
        payment(Y.P1_2, D.D1, P.P1, 2, -15, '350000.00', 'Комиссия Ингосстраха', {
          status: 'paid',
          incomes: '350000.00',
          expenses: '70000.00',
          net: '280000.00',
          actual: -14,
        }),
        payment(Y.P1_3, D.D1, P.P1, 3, -10, '120000.00', 'Вознаграждение партнёру', {
          status: 'paid',
          expenses: '120000.00',
          net: '-120000.00',
          actual: -10,
          recordedById: u.pavel,
        }),
        payment(Y.P1_4, D.D1, P.P1, 4, 20, '1250000.00', 'Премия, вторая половина', { status: 'scheduled' }),
        payment(Y.P3_1, D.D5, P.P3, 1, -95, '350000.00', 'Премия, 1-й квартал', {
          status: 'paid',
          incomes: '350000.00',
          net: '350000.00',
          actual: -96,
        }),
        payment(Y.P3_2, D.D5, P.P3, 2, -3, '350000.00', 'Премия, 2-й квартал', {
          status: 'partially_paid',
          incomes: '100000.00',
          net: '100000.00',
        }),
        payment(Y.P3_3, D.D5, P.P3, 3, 10, '140000.00', 'Комиссия СОГАЗ', { status: 'scheduled' }),
        payment(Y.P4_1, D.D7, P.P4, 1, -335, '420000.00', 'Премия', {
          status: 'paid',
          incomes: '420000.00',
          net: '420000.00',
          actual: -336,
        }),
        payment(Y.P4_2, D.D7, P.P4, 2, -300, '42000.00', 'Комиссия ВСК', {
          status: 'paid',
          incomes: '42000.00',
          expenses: '10000.00',
          net: '32000.00',
          actual: -298,
        }),
      ])
      .onConflictDoNothing()
      .returning({ id: payments.id });

    const line = (
      n: number,
      paymentId: string,
      amount: string,
      category: string,
      posted: number,
      note: string | null,
    ) => ({
      id: id('b2000000', n),
      paymentId,
      amount,
      currency: 'RUB',
      category,
      postedAt: day(posted),
      note,
      createdById: u.sergey,
      updatedById: u.sergey,
    });
    await tx
      .insert(paymentIncomes)
      .values([
        line(11, Y.P1_1, '1250000.00', 'premium', -29, 'Платёжное поручение № 418'),
        line(12, Y.P1_2, '350000.00', 'commission', -14, 'Акт-отчёт агента за месяц'),
        line(31, Y.P3_1, '350000.00', 'premium', -96, null),
        line(32, Y.P3_2, '100000.00', 'installment', -5, 'Частичная оплата'),
        line(41, Y.P4_1, '420000.00', 'premium', -336, null),
        line(42, Y.P4_2, '42000.00', 'commission', -298, null),
      ])
      .onConflictDoNothing();
    await tx
      .insert(paymentExpenses)
      .values([
        {
          ...line(12, Y.P1_2, '70000.00', 'colleague_payout', -13, 'Доля комиссии: Ольга Кузнецова'),
          id: id('b3000000', 12),
        },
        { ...line(13, Y.P1_3, '120000.00', 'partner_fee', -10, 'Партнёр по сделке'), id: id('b3000000', 13) },
        { ...line(42, Y.P4_2, '10000.00', 'discount', -297, 'Скидка клиенту'), id: id('b3000000', 42) },
      ])
      .onConflictDoNothing();

    const note = (n: number, dealId: string, authorId: string, body: string, offset: number) => ({
      id: id('e1000000', n),
      dealId,
      authorId,
      body,
      createdAt: at(offset),
    });
    await tx
      .insert(dealJournal)
      .values([
        note(11, D.D1, u.sergey, 'Получены СТС и список водителей по всем 25 автомобилям.', -50),
        note(12, D.D1, u.sergey, 'Клиент выбрал вариант Ингосстраха: дешевле РЕСО на 240 тыс.', -33),
        note(13, D.D1, u.elena, 'Полис CR-2024-0001 оформлен, оригинал передан клиенту.', -30),
        note(21, D.D2, u.olga, 'Клиент прислал ПТС и фото автомобиля.', -6),
        note(22, D.D2, u.olga, 'Отправили клиенту сравнение Ингосстраха и Альфы, ждём решения.', -2),
        note(31, D.D3, u.sergey, 'Получен перечень техники с годами выпуска.', -9),
        note(32, D.D3, u.elena, 'Запросили расчёт в ВСК, ждём ответа до конца недели.', -1),
        note(61, D.D6, u.olga, 'Клиент застраховался в банке-кредиторе, сделка закрыта.', -40),
        note(62, D.D6, u.olga, 'Причина отказа: условия банка обязательны для ипотеки.', -40),
      ])
      .onConflictDoNothing();

    return {
      clients: insertedClients.length,
      deals: insertedDeals.length,
      calculations: insertedCalculations.length,
      policies: insertedPolicies.length,
      payments: insertedPayments.length,
    };
  });
}
