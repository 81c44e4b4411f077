import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  createDealRequestSchema,
  type Deal,
  type DealDetail,
  type DealsPage,
  dealIdParamsSchema,
  dealStageRequestSchema,
  dealsQuerySchema,
  parkDealRequestSchema,
  type StageMetric,
  stageMetricsQuerySchema,
  updateDealRequestSchema,
} from '@polis/contracts';
import { Invalid, normalizeQuery, parseInput } from '@polis/platform';
import type { z } from 'zod';
import type { Caller } from '../common/caller.js';
import { expectedVersion } from '../common/etag.js';
import { type HeaderReply, withEtag } from '../common/http.js';
import { CurrentCaller } from '../common/principal.js';
import { DealService } from './deal.service.js';

/**
 * List filters answer the documented codes: a bad `manager` is `invalid_manager_id`, a bad stage,
 * status or period `invalid_filters`; anything else stays `validation_error`.
 */
function parseDealFilters<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  try {
    return parseInput(schema, normalizeQuery(query), 'query');
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    const fields = (error.options.errors ?? []).map((entry) => entry.field.split('.')[0]);
    const code = fields.includes('manager')
      ? 'invalid_manager_id'
      : fields.some((field) => field === 'stage' || field === 'status' || field === 'period')
        ? 'invalid_filters'
        : error.code;
    throw new Invalid(error.message, code, error.options);
  }
}

@Controller('api/v1/crm/deals')
export class DealController {
  constructor(private readonly deals: DealService) {}

  @Get()
  list(@CurrentCaller() caller: Caller, @Query() query: unknown): Promise<DealsPage> {
    return this.deals.list(caller, parseDealFilters(dealsQuerySchema, query));
  }

  @Get('stage-metrics')
  stageMetrics(@CurrentCaller() caller: Caller, @Query() query: unknown): Promise<StageMetric[]> {
    return this.deals.stageMetrics(caller, parseDealFilters(stageMetricsQuerySchema, query));
  }

  @Post()
  @HttpCode(201)
  async create(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: HeaderReply,
  ): Promise<Deal> {
    return withEtag(reply, await this.deals.create(caller, parseInput(createDealRequestSchema, body, 'body')));
  }

  @Get(':dealId')
  async get(
    @CurrentCaller() caller: Caller,
    @Param() params: unknown,
    @Res({ passthrough: true }) reply: HeaderReply,
  ): Promise<DealDetail> {
    const { dealId } = parseInput(dealIdParamsSchema, params, 'path');
    return withEtag(reply, await this.deals.get(caller, dealId));
  }

  @Patch(':dealId')
  async update(
    @CurrentCaller() caller: Caller,
    @Param() params: unknown,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: HeaderReply,
  ): Promise<Deal> {
    const { dealId } = parseInput(dealIdParamsSchema, params, 'path');
    const input = parseInput(updateDealRequestSchema, body, 'body');
    return withEtag(reply, await this.deals.update(caller, dealId, input, expectedVersion(input.version, ifMatch)));
  }

  @Patch(':dealId/stage')
  async setStage(
    @CurrentCaller() caller: Caller,
    @Param() params: unknown,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: HeaderReply,
  ): Promise<Deal> {
    const { dealId } = parseInput(dealIdParamsSchema, params, 'path');
    const input = parseInput(dealStageRequestSchema, body, 'body');
    const deal = await this.deals.setStage(caller, dealId, input.stage, expectedVersion(input.version, ifMatch));
    return withEtag(reply, deal);
  }

  @Post(':dealId/park')
  @HttpCode(200)
  async park(
    @CurrentCaller() caller: Caller,
    @Param() params: unknown,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: HeaderReply,
  ): Promise<DealDetail> {
    const { dealId } = parseInput(dealIdParamsSchema, params, 'path');
    const input = parseInput(parkDealRequestSchema, body ?? {}, 'body');
    return withEtag(reply, await this.deals.park(caller, dealId, expectedVersion(input.version, ifMatch)));
  }

  @Delete(':dealId')
  @HttpCode(204)
  async delete(@CurrentCaller() caller: Caller, @Param() params: unknown): Promise<void> {
    const { dealId } = parseInput(dealIdParamsSchema, params, 'path');
    await this.deals.delete(caller, dealId);
  }
}
