import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DomainError } from '@polis/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LinkQuery } from '../links/link-signer.js';
import { ContentService } from './content.service.js';
import { drainRequest } from './upload-receiver.js';

export const CONTENT_ROUTE = '/api/v1/documents/:id/content';

/** The byte range a `Range` header asks for: null = the whole file, 'unsatisfiable' = 416. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | 'unsatisfiable' {
  if (header === undefined) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges or another unit: answering the whole file is allowed (RFC 9110 §14.2).
  if (!match) return null;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return null;
  if (size === 0) return 'unsatisfiable';
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** `attachment` with an ASCII fallback name and the exact UTF-8 one (RFC 6266 / 8187). */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * The signed content route, served by Fastify directly: an upload must stream to disk, so this
 * route has no body parser at all (every other route keeps the JSON parser and its 1 MiB limit).
 * Errors still reach the one problem+json filter through Fastify's error handler.
 */
@Injectable()
export class ContentRoutes implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly content: ContentService,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register(async (instance) => {
      instance.removeAllContentTypeParsers();
      instance.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
      instance.put(CONTENT_ROUTE, (request, reply) => this.upload(request, reply));
      instance.get(CONTENT_ROUTE, (request, reply) => this.download(request, reply));
    });
  }

  private async upload(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const { id } = request.params as { id: string };
    try {
      await this.content.upload(id, request.query as LinkQuery, request.raw);
    } catch (error) {
      // Let the client finish sending so that it reads the answer rather than a reset.
      await drainRequest(request.raw, 64 * 1024 * 1024);
      if (error instanceof DomainError && error.status === 413) reply.header('connection', 'close');
      throw error;
    }
    reply.code(204).send();
  }

  private async download(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const { id } = request.params as { id: string };
    const target = await this.content.downloadTarget(id, request.query as LinkQuery);
    const range = parseRange(request.headers.range, target.size);
    reply
      .header('content-type', target.row.mimeType ?? 'application/octet-stream')
      .header('content-disposition', contentDisposition(target.fileName))
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .header('accept-ranges', 'bytes');
    if (target.row.checksumSha256) reply.header('etag', `"${target.row.checksumSha256}"`);
    if (range === 'unsatisfiable') {
      reply.header('content-range', `bytes */${target.size}`);
      throw new DomainError(416, 'range_not_satisfiable', 'The requested range lies outside the file.', {
        headers: { 'content-range': `bytes */${target.size}` },
      });
    }
    if (range === null || range.start === 0) await this.content.auditDownload(target);
    if (range === null) {
      reply.header('content-length', String(target.size)).code(200);
      if (request.method === 'HEAD') return reply.send();
      return reply.send(await this.content.open(target));
    }
    reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${target.size}`)
      .header('content-length', String(range.end - range.start + 1));
    if (request.method === 'HEAD') return reply.send();
    return reply.send(await this.content.open(target, range));
  }
}
