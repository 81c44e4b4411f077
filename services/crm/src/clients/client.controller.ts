import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  type Client,
  type ClientsPage,
  clientIdParamsSchema,
  clientsQuerySchema,
  createClientRequestSchema,
  updateClientRequestSchema,
} from '@polis/contracts';
import { normalizeQuery, parseInput } from '@polis/platform';
import type { Caller } from '../common/caller.js';
import { expectedVersion } from '../common/etag.js';
import { type HeaderReply, withEtag } from '../common/http.js';
import { CurrentCaller } from '../common/principal.js';
import { ClientService } from './client.service.js';

@Controller('api/v1/crm/clients')
export class ClientController {
  constructor(private readonly clients: ClientService) {}

  @Get()
  list(@CurrentCaller() caller: Caller, @Query() query: unknown): Promise<ClientsPage> {
    return this.clients.list(caller, parseInput(clientsQuerySchema, normalizeQuery(query), 'query'));
  }

  @Post()
  @HttpCode(201)
  async create(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: HeaderReply,
  ): Promise<Client> {
    return withEtag(reply, await this.clients.create(caller, parseInput(createClientRequestSchema, body, 'body')));
  }

  @Get(':clientId')
  async get(
    @CurrentCaller() caller: Caller,
    @Param() params: unknown,
    @Res({ passthrough: true }) reply: HeaderReply,
  ): Promise<Client> {
    const { clientId } = parseInput(clientIdParamsSchema, params, 'path');
    return withEtag(reply, await this.clients.get(caller, clientId));
  }

  @Patch(':clientId')
  async update(
    @CurrentCaller() caller: Caller,
    @Param() params: unknown,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: HeaderReply,
  ): Promise<Client> {
    const { clientId } = parseInput(clientIdParamsSchema, params, 'path');
    const input = parseInput(updateClientRequestSchema, body, 'body');
    const updated = await this.clients.update(caller, clientId, input, expectedVersion(input.version, ifMatch));
    return withEtag(reply, updated);
  }
}
