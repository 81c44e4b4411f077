import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ImportLine, ImportRowError, MovementDirection, PaymentImportMode } from '@polis/contracts';
import type { Executor, Tx } from '@polis/db';
import { type Clock } from '@polis/platform';
import type { Caller } from '../common/caller.js';
import { CrmDb } from '../common/crm-db.js';
import type { CrmConfig } from '../crm.config.js';
import { CLOCK, CRM_CONFIG } from '../crm.tokens.js';
import { type CrmEvent, CrmEvents } from '../events/crm.events.js';
import { toKopecks } from './money.js';
import type { MovementRecord, NewMovement, PaymentRecord } from './payment.repository.js';
import { PaymentRepository } from './payment.repository.js';
import { PaymentService } from './payment.service.js';
import { lineEventFields } from './payment.view.js';
import { PaymentImportRepository } from './payment-import.repository.js';
import {
  checkRow,
  csvRecords,
  FileTooLarge,
  type ImportHeader,
  type ImportRow,
  MalformedCsv,
  readHeader,
} from './payment-import-rows.js';

/** Rows checked, looked up and (when applying) inserted together: one lookup and one INSERT per direction. */
const BATCH = 500;
/** The report lists this many errors; `errorCount` counts them all. */
const MAX_REPORTED_ERRORS = 1000;
/** Payments recomputed and published together at the end of an import. */
const FINISH_CHUNK = 50;
/** numeric(14,2): the largest total a payment can hold, in kopecks. */
const MAX_TOTAL_KOPECKS = 99_999_999_999_999n;

type Lookup = PaymentRecord | 'policy_not_found' | 'payment_not_found';

interface Touched {
  before: PaymentRecord;
  incomes: bigint;
  expenses: bigint;
}

/** The state of one import while it runs. */
class ImportRun {
  rows = 0;
  readonly errors: ImportRowError[] = [];
  errorCount = 0;
  readonly lines = { incomes: 0, expenses: 0 };
  readonly lookups = new Map<string, Lookup>();
  readonly touched = new Map<string, Touched>();

  /** Errors of the batch being checked: rows are refused by their fields first, by lookup later. */
  private pending: ImportRowError[] = [];

  report(error: ImportRowError): void {
    this.errorCount += 1;
    this.pending.push(error);
  }

  /** Moves the batch's errors into the report in file order (stable within a line). */
  settle(): void {
    const ordered = this.pending.sort((a, b) => a.line - b.line);
    this.pending = [];
    for (const error of ordered) {
      if (this.errors.length >= MAX_REPORTED_ERRORS) return;
      this.errors.push(error);
    }
  }
}

/** Thrown inside the apply transaction to roll it back when a row was refused. */
class RowsRefused extends Error {}

const keyOf = (row: { policyNumber: string; sequence: number }) => `${row.policyNumber}\n${row.sequence}`;

export type ImportListener = (line: ImportLine) => void;

function byPayment(lines: MovementRecord[]): Map<string, MovementRecord[]> {
  const grouped = new Map<string, MovementRecord[]>();
  for (const line of lines) {
    const list = grouped.get(line.paymentId);
    if (list) list.push(line);
    else grouped.set(line.paymentId, [line]);
  }
  return grouped;
}

/**
 * CSV import of payment lines (issue 5). The file is read as it arrives, a batch of rows at a
 * time. A dry run checks every row (fields, payment visible to the caller, not cancelled, currency,
 * totals in range) and writes nothing. Apply does the same in one transaction that inserts the
 * rows batch by batch with their `created` events, then recomputes each touched payment once and
 * publishes its `deal.payment.updated` and `deal.updated`; any refused row rolls everything back.
 * Progress goes to the listener after every batch; the last line is the result or the report.
 */
@Injectable()
export class PaymentImportService {
  constructor(
    private readonly db: CrmDb,
    private readonly imports: PaymentImportRepository,
    private readonly payments: PaymentRepository,
    private readonly paymentService: PaymentService,
    private readonly events: CrmEvents,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CRM_CONFIG) private readonly config: CrmConfig,
  ) {}

  async run(
    caller: Caller,
    mode: PaymentImportMode,
    source: AsyncIterable<Buffer | string>,
    emit: ImportListener,
  ): Promise<void> {
    const run = new ImportRun();
    const today = this.clock.today();
    try {
      if (mode === 'apply') {
        await this.db.write(caller, async (tx) => {
          await this.read(run, source, today, emit, {
            lookup: (rows) => this.lookup(tx, caller, run, rows, true),
            insert: (rows) => this.insert(tx, caller, rows),
          });
          if (run.errorCount > 0) throw new RowsRefused();
          await this.finish(tx, caller, run);
        });
      } else {
        await this.read(run, source, today, emit, {
          lookup: (rows) => this.db.read(caller, (tx) => this.lookup(tx, caller, run, rows, false)),
        });
      }
    } catch (error) {
      if (error instanceof FileTooLarge) {
        emit({ type: 'error', code: 'payload_too_large', message: error.message });
        return;
      }
      if (!(error instanceof RowsRefused)) throw error;
    }
    if (run.errorCount > 0) {
      emit({
        type: 'report',
        mode,
        rows: run.rows,
        written: false,
        errors: run.errors,
        errorCount: run.errorCount,
        truncated: run.errorCount > run.errors.length,
      });
      return;
    }
    emit({
      type: 'result',
      mode,
      rows: run.rows,
      written: mode === 'apply',
      incomes: run.lines.incomes,
      expenses: run.lines.expenses,
      payments: run.touched.size,
    });
  }

  get maxBytes(): number {
    return this.config.importMaxBytes;
  }

  private async read(
    run: ImportRun,
    source: AsyncIterable<Buffer | string>,
    today: string,
    emit: ImportListener,
    steps: {
      lookup: (rows: ImportRow[]) => Promise<void>;
      insert?: (rows: Array<{ row: ImportRow; payment: PaymentRecord }>) => Promise<void>;
    },
  ): Promise<void> {
    let header: ImportHeader | undefined;
    let sawHeader = false;
    let batch: ImportRow[] = [];
    let reported = -1;
    const flush = async () => {
      const rows = batch;
      batch = [];
      await this.check(run, rows, steps);
      run.settle();
      if (run.rows !== reported) emit({ type: 'progress', rows: run.rows });
      reported = run.rows;
    };
    try {
      for await (const record of csvRecords(source, this.maxBytes)) {
        if (!sawHeader) {
          sawHeader = true;
          const read = readHeader(record.fields);
          if (read.ok) header = read.header;
          else for (const error of read.errors) run.report(error);
          continue;
        }
        run.rows += 1;
        if (!header) continue;
        const checked = checkRow(record.line, record.fields, header, today);
        if (checked.ok) batch.push(checked.row);
        else for (const error of checked.errors) run.report(error);
        if (run.rows % BATCH === 0) await flush();
      }
    } catch (error) {
      if (!(error instanceof MalformedCsv)) throw error;
      await flush();
      run.report({ line: error.line, column: null, code: 'malformed_csv', message: error.message });
    }
    if (!sawHeader) {
      run.report({
        line: 1,
        column: null,
        code: 'missing_header',
        message: 'The file is empty: a header row is required.',
      });
    }
    await flush();
  }

  /** Finds the payments of a batch, refuses rows that cannot go in, inserts the rest when applying. */
  private async check(
    run: ImportRun,
    rows: ImportRow[],
    steps: {
      lookup: (rows: ImportRow[]) => Promise<void>;
      insert?: (rows: Array<{ row: ImportRow; payment: PaymentRecord }>) => Promise<void>;
    },
  ): Promise<void> {
    if (rows.length === 0) return;
    const unknown = rows.filter((row) => !run.lookups.has(keyOf(row)));
    if (unknown.length > 0) await steps.lookup(unknown);
    const accepted: Array<{ row: ImportRow; payment: PaymentRecord }> = [];
    for (const row of rows) {
      const found = run.lookups.get(keyOf(row)) ?? 'policy_not_found';
      if (found === 'policy_not_found') {
        run.report({
          line: row.line,
          column: 'policy_number',
          code: 'policy_not_found',
          message: 'No such policy, or you may not see it.',
        });
        continue;
      }
      if (found === 'payment_not_found') {
        run.report({
          line: row.line,
          column: 'payment_sequence',
          code: 'payment_not_found',
          message: 'The policy has no payment with this number.',
        });
        continue;
      }
      if (found.status === 'cancelled') {
        run.report({
          line: row.line,
          column: 'payment_sequence',
          code: 'payment_cancelled',
          message: 'The payment is cancelled; its lines do not change.',
        });
        continue;
      }
      if (row.currency !== found.currency) {
        run.report({
          line: row.line,
          column: 'currency',
          code: 'currency_mismatch',
          message: `The payment is in ${found.currency}.`,
        });
        continue;
      }
      let touched = run.touched.get(found.id);
      if (!touched) {
        touched = { before: found, incomes: toKopecks(found.incomesTotal), expenses: toKopecks(found.expensesTotal) };
        run.touched.set(found.id, touched);
      }
      const total = touched[row.direction] + toKopecks(row.amount);
      if (total > MAX_TOTAL_KOPECKS) {
        run.report({
          line: row.line,
          column: 'amount',
          code: 'amount_out_of_range',
          message: 'The payment total would exceed 999999999999.99.',
        });
        continue;
      }
      touched[row.direction] = total;
      run.lines[row.direction] += 1;
      accepted.push({ row, payment: found });
    }
    if (steps.insert && run.errorCount === 0 && accepted.length > 0) await steps.insert(accepted);
  }

  /** Records in `run.lookups` what each new (policy number, sequence) of the batch is. */
  private async lookup(tx: Executor, caller: Caller, run: ImportRun, rows: ImportRow[], lock: boolean): Promise<void> {
    const numbers = [...new Set(rows.map((row) => row.policyNumber))];
    const policyIds = await this.imports.policiesByNumber(tx, caller, numbers);
    const sequences = [...new Set(rows.map((row) => row.sequence))];
    const found = await this.imports.payments(tx, caller, [...policyIds.values()], sequences, lock);
    const byPolicySequence = new Map(found.map((payment) => [`${payment.policyId}\n${payment.sequence}`, payment]));
    for (const row of rows) {
      const policyId = policyIds.get(row.policyNumber);
      run.lookups.set(
        keyOf(row),
        policyId === undefined
          ? 'policy_not_found'
          : (byPolicySequence.get(`${policyId}\n${row.sequence}`) ?? 'payment_not_found'),
      );
    }
  }

  private async insert(tx: Tx, caller: Caller, rows: Array<{ row: ImportRow; payment: PaymentRecord }>): Promise<void> {
    for (const direction of ['incomes', 'expenses'] as const satisfies readonly MovementDirection[]) {
      const mine = rows.filter(({ row }) => row.direction === direction);
      if (mine.length === 0) continue;
      const lines: NewMovement[] = mine.map(({ row, payment }) => ({
        id: randomUUID(),
        paymentId: payment.id,
        amount: row.amount,
        currency: row.currency,
        category: row.category,
        postedAt: row.postedAt,
        note: row.note,
        createdById: caller.userId,
        updatedById: caller.userId,
      }));
      const inserted = await this.payments.insertLines(tx, direction, lines);
      const byPayment = new Map(mine.map(({ payment }) => [payment.id, payment]));
      const events: CrmEvent[] = inserted.map((line) => {
        const payment = byPayment.get(line.paymentId) as PaymentRecord;
        const base = {
          dealId: payment.dealId,
          policyId: payment.policyId,
          paymentId: payment.id,
          actorId: caller.actorId,
        };
        return direction === 'incomes'
          ? {
              key: 'deal.payment.income.created',
              subject: line.id,
              data: { ...base, income: { incomeId: line.id, ...lineEventFields(line) } },
            }
          : {
              key: 'deal.payment.expense.created',
              subject: line.id,
              data: { ...base, expense: { expenseId: line.id, ...lineEventFields(line) } },
            };
      });
      await this.events.emit(tx, events);
    }
  }

  /**
   * Each touched payment once, a chunk at a time: totals, status and version in one statement,
   * then its full state (`deal.payment.updated` with every live line) and `deal.updated`.
   */
  private async finish(tx: Tx, caller: Caller, run: ImportRun): Promise<void> {
    const touched = [...run.touched.values()].map((entry) => entry.before);
    for (let start = 0; start < touched.length; start += FINISH_CHUNK) {
      const chunk = touched.slice(start, start + FINISH_CHUNK);
      const ids = chunk.map((payment) => payment.id);
      const rows = new Map(
        (await this.payments.recomputeAll(tx, ids, caller.userId)).map((row) => [row.id, row] as const),
      );
      const incomes = byPayment(await this.payments.lines(tx, 'incomes', ids));
      const expenses = byPayment(await this.payments.lines(tx, 'expenses', ids));
      const events: CrmEvent[] = [];
      for (const before of chunk) {
        const row = rows.get(before.id) as PaymentRecord;
        events.push(
          ...this.paymentService.updatedEvents(
            caller,
            row,
            before,
            incomes.get(before.id) ?? [],
            expenses.get(before.id) ?? [],
          ),
        );
      }
      await this.events.emit(tx, events);
    }
  }
}
