import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

/** The media types of a CSV upload (browsers on Windows label .csv files as Excel's). */
export const CSV_MEDIA_TYPES = ['text/csv', 'application/csv', 'application/vnd.ms-excel'];

interface ContentTypeParsers {
  hasContentTypeParser(contentType: string): boolean;
  addContentTypeParser(
    contentType: string[],
    parser: (request: unknown, payload: unknown, done: (error: Error | null, body?: unknown) => void) => void,
  ): void;
}

/**
 * Lets CSV bodies through unread: the request body of a CSV upload is the byte stream itself, so
 * the import parses it as it arrives instead of buffering it (the route enforces its own size cap).
 */
@Injectable()
export class CsvBodyParser implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const instance = this.adapterHost.httpAdapter?.getInstance<ContentTypeParsers>();
    if (!instance || CSV_MEDIA_TYPES.every((type) => instance.hasContentTypeParser(type))) return;
    instance.addContentTypeParser(CSV_MEDIA_TYPES, (_request, payload, done) => done(null, payload));
  }
}
