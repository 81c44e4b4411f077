import { PassThrough, type Readable } from 'node:stream';
import { Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import {
  allPaymentsQuerySchema,
  type ImportLine,
  type PaymentListPage,
  paymentImportQuerySchema,
  paymentsExportQuerySchema,
} from '@polis/contracts';
import { type Clock, DomainError, LOGGER, type Logger, normalizeQuery, parseInput } from '@polis/platform';
import type { Caller } from '../common/caller.js';
import { CurrentCaller } from '../common/principal.js';
import { CLOCK } from '../crm.tokens.js';
import { CSV_MEDIA_TYPES } from './csv-body.parser.js';
import { EXPORT_CONTENT_TYPES, writeExport } from './payment-export.js';
import { PaymentImportService } from './payment-import.service.js';
import { PaymentListService } from './payment-list.service.js';

/** The parts of the framework's request and reply a streaming route uses. */
interface UploadRequest {
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}
interface StreamReply {
  status(code: number): StreamReply;
  header(name: string, value: string): StreamReply;
  send(payload: unknown): unknown;
}

const isReadable = (value: unknown): value is Readable =>
  typeof value === 'object' && value !== null && typeof Reflect.get(value, 'pipe') === 'function';

/** Payments across policies: the list, its CSV / XLSX export and the CSV import of lines. */
@Controller('api/v1/crm/payments')
export class PaymentListController {
  constructor(
    private readonly list: PaymentListService,
    private readonly imports: PaymentImportService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get()
  page(@CurrentCaller() caller: Caller, @Query() query: unknown): Promise<PaymentListPage> {
    return this.list.page(caller, parseInput(allPaymentsQuerySchema, normalizeQuery(query), 'query'));
  }

  @Get('export')
  export(@CurrentCaller() caller: Caller, @Query() query: unknown, @Res() reply: StreamReply): void {
    const { format, ...filters } = parseInput(paymentsExportQuerySchema, normalizeQuery(query), 'query');
    const out = new PassThrough();
    reply
      .status(200)
      .header('content-type', EXPORT_CONTENT_TYPES[format])
      .header('content-disposition', `attachment; filename="payments-${this.clock.today()}.${format}"`)
      .header('cache-control', 'no-store');
    reply.send(out);
    // A failure halfway cuts the download short: the client sees an incomplete file, never a wrong one.
    writeExport(format, this.list.all(caller, filters), out).catch((error: unknown) => {
      this.logger.error({ err: error }, 'payments export failed');
      out.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  }

  @Post('import')
  @HttpCode(200)
  import(
    @CurrentCaller() caller: Caller,
    @Query() query: unknown,
    @Req() request: UploadRequest,
    @Res() reply: StreamReply,
  ): void {
    const { mode } = parseInput(paymentImportQuerySchema, normalizeQuery(query), 'query');
    const type = String(request.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim()
      .toLowerCase();
    if (!type || !CSV_MEDIA_TYPES.includes(type) || !isReadable(request.body)) {
      throw new DomainError(415, 'unsupported_media_type', 'Send the file as text/csv.');
    }
    const length = Number(request.headers['content-length']);
    if (Number.isFinite(length) && length > this.imports.maxBytes) {
      throw new DomainError(413, 'payload_too_large', `The file is larger than ${this.imports.maxBytes} bytes.`);
    }
    const body = request.body;
    const out = new PassThrough();
    reply
      .status(200)
      .header('content-type', 'application/x-ndjson; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('x-accel-buffering', 'no');
    reply.send(out);
    const emit = (line: ImportLine) => out.write(`${JSON.stringify(line)}\n`);
    this.imports
      .run(caller, mode, body, emit)
      .catch((error: unknown) => {
        this.logger.error({ err: error }, 'payments import failed');
        emit({ type: 'error', code: 'internal_error', message: 'The import failed; nothing was written.' });
      })
      .finally(() => {
        body.resume();
        out.end();
      });
  }
}
