import type { ServerResponse } from 'node:http';
import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { type Task, taskExportQuerySchema } from '@polis/contracts';
import { LOGGER, type Logger, normalizeQuery, parseInput } from '@polis/platform';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import type { Caller } from '../common/caller.js';
import { CurrentCaller } from '../common/principal.js';
import { TaskService } from '../tasks/task.service.js';

interface StreamReply {
  raw: ServerResponse;
  hijack(): unknown;
}

/** The columns of an export, in order: header and value of each. */
const COLUMNS: ReadonlyArray<[string, (task: Task) => string | null]> = [
  ['id', (task) => task.id],
  ['title', (task) => task.title],
  ['status', (task) => task.statusCode],
  ['statusName', (task) => task.statusName],
  ['priority', (task) => task.priority],
  ['dueAt', (task) => task.dueAt],
  ['scheduledFor', (task) => task.scheduledFor],
  ['completedAt', (task) => task.completedAt],
  ['cancelledReason', (task) => task.cancelledReason],
  ['assigneeId', (task) => task.assigneeId],
  ['authorId', (task) => task.authorId],
  ['dealId', (task) => task.dealId],
  ['policyId', (task) => task.policyId],
  ['paymentId', (task) => task.paymentId],
  ['clientId', (task) => task.clientId],
  ['description', (task) => task.description],
  ['createdAt', (task) => task.createdAt],
  ['updatedAt', (task) => task.updatedAt],
];

/**
 * `GET /api/v1/tasks/export?format=csv|xlsx&…filters`: the visible tasks the list filters select,
 * streamed page by page — CSV `;`-delimited with a BOM (Excel opens it as UTF-8), or XLSX.
 */
@Controller('api/v1/tasks')
export class ExportController {
  constructor(
    private readonly tasks: TaskService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get('export')
  async export(@CurrentCaller() caller: Caller, @Query() query: unknown, @Res() reply: StreamReply): Promise<void> {
    const { format, ...filters } = parseInput(taskExportQuerySchema, normalizeQuery(query), 'query');
    const rows = this.tasks.each(caller, filters);
    const response = reply.raw;
    reply.hijack();
    const stamp = new Date().toISOString().slice(0, 10);
    response.writeHead(200, {
      'content-type':
        format === 'csv'
          ? 'text/csv; charset=utf-8'
          : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'content-disposition': `attachment; filename="tasks-${stamp}.${format}"`,
      'cache-control': 'no-store',
    });
    try {
      if (format === 'csv') await this.csv(rows, response);
      else await this.xlsx(rows, response);
    } catch (error) {
      this.logger.warn({ err: error }, 'task export failed mid-stream');
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private async csv(rows: AsyncGenerator<Task>, response: ServerResponse): Promise<void> {
    const csv = stringify({ delimiter: ';', bom: true, header: true, columns: COLUMNS.map(([name]) => name) });
    csv.pipe(response);
    for await (const task of rows) {
      if (!csv.write(COLUMNS.map(([, value]) => value(task) ?? ''))) {
        await new Promise((resolve) => csv.once('drain', resolve));
      }
    }
    await new Promise<void>((resolve, reject) => {
      response.once('finish', resolve);
      response.once('error', reject);
      csv.end();
    });
  }

  private async xlsx(rows: AsyncGenerator<Task>, response: ServerResponse): Promise<void> {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: response,
      useStyles: false,
      useSharedStrings: false,
    });
    const sheet = workbook.addWorksheet('Tasks');
    sheet.columns = COLUMNS.map(([name]) => ({ header: name, key: name, width: name === 'title' ? 40 : 20 }));
    for await (const task of rows) {
      sheet.addRow(COLUMNS.map(([, value]) => value(task) ?? '')).commit();
    }
    sheet.commit();
    await workbook.commit();
  }
}
