import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  type CreateDocumentResponse,
  completeUploadRequestSchema,
  createDocumentRequestSchema,
  type DocumentInfo,
  documentIdParamsSchema,
  documentsQuerySchema,
  type QueuedJob,
  type UploadUrlResponse,
  updateDocumentRequestSchema,
} from '@polis/contracts';
import { normalizeQuery, parseInput } from '@polis/platform';
import { type Caller, CurrentCaller } from '../common/caller.js';
import { DocumentService } from './document.service.js';

/** The part of Fastify's reply a controller uses. */
interface Reply {
  header(name: string, value: string): Reply;
  code(status: number): Reply;
  redirect(url: string, status?: number): unknown;
}

const idOf = (params: unknown) => parseInput(documentIdParamsSchema, params, 'path').id.toLowerCase();

@Controller('api/v1/documents')
export class DocumentController {
  constructor(private readonly documents: DocumentService) {}

  @Get()
  async list(
    @CurrentCaller() caller: Caller,
    @Query() query: unknown,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<DocumentInfo[]> {
    const parsed = parseInput(documentsQuerySchema, normalizeQuery(query), 'query');
    const { items, total } = await this.documents.list(caller, parsed);
    reply.header('x-total-count', String(total));
    return items;
  }

  @Post()
  @HttpCode(201)
  create(@CurrentCaller() caller: Caller, @Body() body: unknown): Promise<CreateDocumentResponse> {
    return this.documents.create(caller, parseInput(createDocumentRequestSchema, body, 'body'));
  }

  @Get(':id')
  get(@CurrentCaller() caller: Caller, @Param() params: unknown): Promise<DocumentInfo> {
    return this.documents.get(caller, idOf(params));
  }

  @Patch(':id')
  update(@CurrentCaller() caller: Caller, @Param() params: unknown, @Body() body: unknown): Promise<DocumentInfo> {
    return this.documents.update(caller, idOf(params), parseInput(updateDocumentRequestSchema, body, 'body'));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentCaller() caller: Caller, @Param() params: unknown): Promise<void> {
    await this.documents.delete(caller, idOf(params));
  }

  @Post(':id/upload-url')
  @HttpCode(200)
  uploadUrl(@CurrentCaller() caller: Caller, @Param() params: unknown): Promise<UploadUrlResponse> {
    return this.documents.reissueUploadUrl(caller, idOf(params));
  }

  @Post(':id/complete')
  @HttpCode(200)
  complete(@CurrentCaller() caller: Caller, @Param() params: unknown, @Body() body: unknown): Promise<DocumentInfo> {
    return this.documents.complete(caller, idOf(params), parseInput(completeUploadRequestSchema, body, 'body'));
  }

  @Get(':id/download')
  async download(
    @CurrentCaller() caller: Caller,
    @Param() params: unknown,
    @Res({ passthrough: false }) reply: Reply,
  ): Promise<void> {
    const url = await this.documents.downloadUrl(caller, idOf(params));
    reply.header('cache-control', 'no-store').redirect(url, 302);
  }

  @Post(':id/upload')
  @HttpCode(202)
  requeueUpload(@CurrentCaller() caller: Caller, @Param() params: unknown): Promise<QueuedJob> {
    return this.documents.requeue(caller, idOf(params), 'upload');
  }

  @Post(':id/sync')
  @HttpCode(202)
  requeueSync(@CurrentCaller() caller: Caller, @Param() params: unknown): Promise<QueuedJob> {
    return this.documents.requeue(caller, idOf(params), 'sync');
  }

  @Post(':id/retention/extend')
  @HttpCode(200)
  extendRetention(@CurrentCaller() caller: Caller, @Param() params: unknown): Promise<DocumentInfo> {
    return this.documents.extendRetention(caller, idOf(params));
  }
}
