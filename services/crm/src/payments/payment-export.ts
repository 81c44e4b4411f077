import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PAYMENT_EXPORT_COLUMNS, type PaymentExportFormat, type PaymentListItem } from '@polis/contracts';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';

/*
 * Payments exports (issue 5), written as the rows arrive. CSV: `;`-separated with a UTF-8 BOM, so
 * Excel in a Russian locale opens it as columns; money as the decimal strings of the API. XLSX:
 * money as numeric cells formatted `#,##0.00` (the number is read from the decimal string, nothing
 * is computed), dates as date cells.
 */

export const EXPORT_CONTENT_TYPES: Record<PaymentExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

type Column = (typeof PAYMENT_EXPORT_COLUMNS)[number];
const MONEY_COLUMNS = new Set<Column>(['planned_amount', 'incomes_total', 'expenses_total', 'net_total']);
const DATE_COLUMNS = new Set<Column>(['planned_date', 'actual_date']);

function cellsOf(item: PaymentListItem): Record<Column, string | number | null> {
  return {
    policy_number: item.policyNumber,
    payment_sequence: item.sequence,
    status: item.status,
    planned_date: item.plannedDate,
    planned_amount: item.plannedAmount,
    currency: item.currency,
    actual_date: item.actualDate,
    incomes_total: item.incomesTotal,
    expenses_total: item.expensesTotal,
    net_total: item.netTotal,
    comment: item.comment,
    deal_id: item.dealId,
    policy_id: item.policyId,
    payment_id: item.id,
  };
}

async function writeCsv(items: AsyncIterable<PaymentListItem>, out: Writable): Promise<void> {
  async function* records() {
    for await (const item of items) {
      const cells = cellsOf(item);
      yield PAYMENT_EXPORT_COLUMNS.map((column) => cells[column] ?? '');
    }
  }
  await pipeline(
    Readable.from(records()),
    stringify({
      delimiter: ';',
      bom: true,
      header: true,
      columns: [...PAYMENT_EXPORT_COLUMNS],
      record_delimiter: 'windows',
    }),
    out,
  );
}

function utcDate(isoDate: string): Date {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day));
}

async function writeXlsx(items: AsyncIterable<PaymentListItem>, out: Writable): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet('payments', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = PAYMENT_EXPORT_COLUMNS.map((column) => ({
    header: column,
    key: column,
    width: MONEY_COLUMNS.has(column) ? 18 : DATE_COLUMNS.has(column) ? 12 : column.endsWith('_id') ? 38 : 16,
    ...(MONEY_COLUMNS.has(column)
      ? { style: { numFmt: '#,##0.00' } }
      : DATE_COLUMNS.has(column)
        ? { style: { numFmt: 'dd.mm.yyyy' } }
        : {}),
  }));
  for await (const item of items) {
    const cells = cellsOf(item);
    const row: Record<string, string | number | Date | null> = {};
    for (const column of PAYMENT_EXPORT_COLUMNS) {
      const value = cells[column];
      if (value !== null && MONEY_COLUMNS.has(column)) row[column] = Number(value);
      else if (typeof value === 'string' && DATE_COLUMNS.has(column)) row[column] = utcDate(value);
      else row[column] = value;
    }
    sheet.addRow(row).commit();
  }
  sheet.commit();
  await workbook.commit();
}

/** Writes the rows to `out` in the format asked for, and ends it. */
export function writeExport(
  format: PaymentExportFormat,
  items: AsyncIterable<PaymentListItem>,
  out: Writable,
): Promise<void> {
  return format === 'csv' ? writeCsv(items, out) : writeXlsx(items, out);
}
