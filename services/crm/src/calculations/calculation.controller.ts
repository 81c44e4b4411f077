import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  type Calculation,
  type CalculationComparison,
  type CalculationsPage,
  calculationParamsSchema,
  calculationStatusRequestSchema,
  calculationsQuerySchema,
  createCalculationRequestSchema,
  dealIdParamsSchema,
  issuePolicyRequestSchema,
  type Policy,
  updateCalculationRequestSchema,
} from '@polis/contracts';
import { normalizeQuery, parseInput } from '@polis/platform';
import type { Caller } from '../common/caller.js';
import { expectedVersion } from '../common/etag.js';
import { type HeaderReply, withEtag } from '../common/http.js';
import { CurrentCaller } from '../common/principal.js';
import { PolicyService } from '../policies/policy.service.js';
import { CalculationService } from './calculation.service.js';

@Controller('api/v1/crm/deals/:dealId/calculations')
export class CalculationController {
  constructor(
    private readonly calculations: CalculationService,
    private readonly policies: PolicyService,
  ) {}

  @Get()
  list(@CurrentCaller() caller: Caller, @Param() params: unknown, @Query() query: unknown): Promise<CalculationsPage> {
    const { dealId } = parseInput(dealIdParamsSchema, params, 'path');
    return this.calculations.list(caller, dealId, parseInput(calculationsQuerySchema, normalizeQuery(query), 'query'));
  }

  @Get('comparison')
  comparison(@CurrentCaller() caller: Caller, @Param() params: unknown): Promise<CalculationComparison> {
    const { dealId } = parseInput(dealIdParamsSchema, params, 'path');
    return this.calculations.comparison(caller, dealId);
  }

  @Post()
  @HttpCode(201)
  async create(
    @CurrentCaller() caller: Caller,
    @Param() params: unknown,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: HeaderReply,
  ): Promise<Calculation> {
    const { dealId } = parseInput(dealIdParamsSchema, params, 'path');
    const input = parseInput(createCalculationRequestSchema, body, 'body');
    return withEtag(reply, await this.calculations.create(caller, dealId, input));
  }

  @Get(':calculationId')
  async get(
    @CurrentCaller() caller: Caller,
    @Param() params: unknown,
    @Res({ passthrough: true }) reply: HeaderReply,
  ): Promise<Calculation> {
    const { dealId, calculationId } = parseInput(calculationParamsSchema, params, 'path');
    return withEtag(reply, await this.calculations.get(caller, dealId, calculationId));
  }

  @Patch(':calculationId')
  async update(
    @CurrentCaller() caller: Caller,
    @Param() params: unknown,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: HeaderReply,
  ): Promise<Calculation> {
    const { dealId, calculationId } = parseInput(calculationParamsSchema, params, 'path');
    const input = parseInput(updateCalculationRequestSchema, body, 'body');
    const expected = expectedVersion(input.version, ifMatch);
    return withEtag(reply, await this.calculations.update(caller, dealId, calculationId, input, expected));
  }

  @Post(':calculationId/status')
  @HttpCode(200)
  async setStatus(
    @CurrentCaller() caller: Caller,
    @Param() params: unknown,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: HeaderReply,
  ): Promise<Calculation> {
    const { dealId, calculationId } = parseInput(calculationParamsSchema, params, 'path');
    const input = parseInput(calculationStatusRequestSchema, body, 'body');
    const expected = expectedVersion(input.version, ifMatch);
    return withEtag(reply, await this.calculations.setStatus(caller, dealId, calculationId, input, expected));
  }

  /** Issues the policy of this quote (confirming it when it is still only ready). */
  @Post(':calculationId/policy')
  @HttpCode(201)
  async issuePolicy(
    @CurrentCaller() caller: Caller,
    @Param() params: unknown,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: HeaderReply,
  ): Promise<Policy> {
    const { dealId, calculationId } = parseInput(calculationParamsSchema, params, 'path');
    const input = parseInput(issuePolicyRequestSchema, body, 'body');
    return withEtag(reply, await this.policies.issueFromCalculation(caller, dealId, calculationId, input));
  }

  @Delete(':calculationId')
  @HttpCode(204)
  async delete(@CurrentCaller() caller: Caller, @Param() params: unknown): Promise<void> {
    const { dealId, calculationId } = parseInput(calculationParamsSchema, params, 'path');
    await this.calculations.delete(caller, dealId, calculationId);
  }
}
