import { Injectable } from '@nestjs/common';
import type { ParsedAllPaymentsQuery, PaymentListItem, PaymentListPage } from '@polis/contracts';
import type { Caller } from '../common/caller.js';
import { CrmDb } from '../common/crm-db.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { toPayment } from './payment.view.js';
import {
  PAYMENT_LIST_CURSOR,
  type PaymentFilters,
  PaymentListRepository,
  type PaymentListRow,
} from './payment-list.repository.js';

/** Rows per query while exporting: each page is its own short read transaction. */
const EXPORT_PAGE = 1000;

function toItem(row: PaymentListRow): PaymentListItem {
  return { ...toPayment(row.payment), policyNumber: row.policyNumber };
}

/** The payments of every policy the caller may see: a keyset-paged list and the rows of an export. */
@Injectable()
export class PaymentListService {
  constructor(
    private readonly db: CrmDb,
    private readonly list: PaymentListRepository,
  ) {}

  async page(caller: Caller, query: ParsedAllPaymentsQuery): Promise<PaymentListPage> {
    const { limit, cursor, ...filters } = query;
    const after = cursor ? (decodeCursor(cursor, PAYMENT_LIST_CURSOR) as [string, string]) : undefined;
    const rows = await this.db.read(caller, (tx) => this.list.page(tx, caller, filters, limit + 1, after));
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toItem),
      nextCursor: rows.length > limit && last ? encodeCursor([last.orderDate, last.payment.id]) : null,
    };
  }

  /**
   * Every matching payment in list order, a page at a time, so an export never holds the whole
   * list: the consumer's pace (the download) decides when the next page is read.
   */
  async *all(caller: Caller, filters: PaymentFilters): AsyncGenerator<PaymentListItem> {
    let after: [string, string] | undefined;
    for (;;) {
      const from = after;
      const rows = await this.db.read(caller, (tx) => this.list.page(tx, caller, filters, EXPORT_PAGE, from));
      for (const row of rows) yield toItem(row);
      const last = rows.at(-1);
      if (rows.length < EXPORT_PAGE || !last) return;
      after = [last.orderDate, last.payment.id];
    }
  }
}
