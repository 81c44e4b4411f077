import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  createPolicyRequestSchema,
  linkPolicyDocumentRequestSchema,
  type PoliciesPage,
  type Policy,
  type PolicyDocument,
  policiesQuerySchema,
  policyDocumentParamsSchema,
  policyIdParamsSchema,
  updatePolicyRequestSchema,
} from '@polis/contracts';
import { normalizeQuery, parseInput } from '@polis/platform';
import type { Caller } from '../common/caller.js';
import { expectedVersion } from '../common/etag.js';
import { type HeaderReply, withEtag } from '../common/http.js';
import { CurrentCaller } from '../common/principal.js';
import { PolicyService } from './policy.service.js';

@Controller('api/v1/crm/policies')
export class PolicyController {
  constructor(private readonly policies: PolicyService) {}

  @Get()
  list(@CurrentCaller() caller: Caller, @Query() query: unknown): Promise<PoliciesPage> {
    return this.policies.list(caller, parseInput(policiesQuerySchema, normalizeQuery(query), 'query'));
  }

  @Post()
  @HttpCode(201)
  async create(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: HeaderReply,
  ): Promise<Policy> {
    return withEtag(reply, await this.policies.create(caller, parseInput(createPolicyRequestSchema, body, 'body')));
  }

  @Get(':policyId')
  async get(
    @CurrentCaller() caller: Caller,
    @Param() params: unknown,
    @Res({ passthrough: true }) reply: HeaderReply,
  ): Promise<Policy> {
    const { policyId } = parseInput(policyIdParamsSchema, params, 'path');
    return withEtag(reply, await this.policies.get(caller, policyId));
  }

  @Patch(':policyId')
  async update(
    @CurrentCaller() caller: Caller,
    @Param() params: unknown,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: HeaderReply,
  ): Promise<Policy> {
    const { policyId } = parseInput(policyIdParamsSchema, params, 'path');
    const input = parseInput(updatePolicyRequestSchema, body, 'body');
    return withEtag(
      reply,
      await this.policies.update(caller, policyId, input, expectedVersion(input.version, ifMatch)),
    );
  }

  @Get(':policyId/documents')
  documents(@CurrentCaller() caller: Caller, @Param() params: unknown): Promise<PolicyDocument[]> {
    const { policyId } = parseInput(policyIdParamsSchema, params, 'path');
    return this.policies.documents(caller, policyId);
  }

  @Post(':policyId/documents')
  @HttpCode(201)
  linkDocument(
    @CurrentCaller() caller: Caller,
    @Param() params: unknown,
    @Body() body: unknown,
  ): Promise<PolicyDocument> {
    const { policyId } = parseInput(policyIdParamsSchema, params, 'path');
    const { documentId } = parseInput(linkPolicyDocumentRequestSchema, body, 'body');
    return this.policies.linkDocument(caller, policyId, documentId);
  }

  @Delete(':policyId/documents/:documentId')
  @HttpCode(204)
  async unlinkDocument(@CurrentCaller() caller: Caller, @Param() params: unknown): Promise<void> {
    const { policyId, documentId } = parseInput(policyDocumentParamsSchema, params, 'path');
    await this.policies.unlinkDocument(caller, policyId, documentId);
  }
}
