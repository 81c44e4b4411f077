import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  type CommissionSplitResult,
  commissionSplitRequestSchema,
  createMovementRequestSchema,
  createPaymentRequestSchema,
  deleteMovementQuerySchema,
  type Movement,
  type MovementDirection,
  movementParamsSchema,
  type Payment,
  type PaymentsPage,
  type PolicyCashFlow,
  paymentListParamsSchema,
  paymentParamsSchema,
  paymentQuerySchema,
  paymentScheduleRequestSchema,
  paymentsQuerySchema,
  updateMovementRequestSchema,
  updatePaymentRequestSchema,
} from '@polis/contracts';
import { normalizeQuery, parseInput } from '@polis/platform';
import type { Caller } from '../common/caller.js';
import { expectedVersion } from '../common/etag.js';
import { type HeaderReply, withEtag } from '../common/http.js';
import { CurrentCaller } from '../common/principal.js';
import { PaymentService } from './payment.service.js';

/** Payments of a deal's policy and their income / expense lines (interfaces.md §1.2 "Payments"). */
@Controller('api/v1/crm/deals/:dealId/policies/:policyId/payments')
export class PaymentController {
  constructor(private readonly payments: PaymentService) {}

  @Get()
  list(@CurrentCaller() caller: Caller, @Param() params: unknown, @Query() query: unknown): Promise<PaymentsPage> {
    const { dealId, policyId } = parseInput(paymentListParamsSchema, params, 'path');
    return this.payments.list(
      caller,
      dealId,
      policyId,
      parseInput(paymentsQuerySchema, normalizeQuery(query), 'query'),
    );
  }

  @Post()
  @HttpCode(201)
  async create(
    @CurrentCaller() caller: Caller,
    @Param() params: unknown,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: HeaderReply,
  ): Promise<Payment> {
    const { dealId, policyId } = parseInput(paymentListParamsSchema, params, 'path');
    const input = parseInput(createPaymentRequestSchema, body, 'body');
    return withEtag(reply, await this.payments.create(caller, dealId, policyId, input));
  }

  @Post('schedule')
  @HttpCode(201)
  schedule(@CurrentCaller() caller: Caller, @Param() params: unknown, @Body() body: unknown): Promise<PaymentsPage> {
    const { dealId, policyId } = parseInput(paymentListParamsSchema, params, 'path');
    const input = parseInput(paymentScheduleRequestSchema, body, 'body');
    return this.payments.schedule(caller, dealId, policyId, input);
  }

  @Get(':paymentId')
  async get(
    @CurrentCaller() caller: Caller,
    @Param() params: unknown,
    @Query() query: unknown,
    @Res({ passthrough: true }) reply: HeaderReply,
  ): Promise<Payment> {
    const { dealId, policyId, paymentId } = parseInput(paymentParamsSchema, params, 'path');
    const parsed = parseInput(paymentQuerySchema, normalizeQuery(query), 'query');
    return withEtag(reply, await this.payments.get(caller, dealId, policyId, paymentId, parsed));
  }

  @Patch(':paymentId')
  async update(
    @CurrentCaller() caller: Caller,
    @Param() params: unknown,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: HeaderReply,
  ): Promise<Payment> {
    const { dealId, policyId, paymentId } = parseInput(paymentParamsSchema, params, 'path');
    const input = parseInput(updatePaymentRequestSchema, body, 'body');
    const expected = expectedVersion(input.version, ifMatch);
    return withEtag(reply, await this.payments.update(caller, dealId, policyId, paymentId, input, expected));
  }

  @Delete(':paymentId')
  @HttpCode(204)
  async remove(@CurrentCaller() caller: Caller, @Param() params: unknown): Promise<void> {
    const { dealId, policyId, paymentId } = parseInput(paymentParamsSchema, params, 'path');
    await this.payments.remove(caller, dealId, policyId, paymentId);
  }

  @Post(':paymentId/commission-split')
  @HttpCode(201)
  splitCommission(
    @CurrentCaller() caller: Caller,
    @Param() params: unknown,
    @Body() body: unknown,
  ): Promise<CommissionSplitResult> {
    const { dealId, policyId, paymentId } = parseInput(paymentParamsSchema, params, 'path');
    const input = parseInput(commissionSplitRequestSchema, body, 'body');
    return this.payments.splitCommission(caller, dealId, policyId, paymentId, input);
  }

  @Get(':paymentId/incomes')
  incomes(@CurrentCaller() caller: Caller, @Param() params: unknown): Promise<Movement[]> {
    return this.lines(caller, 'incomes', params);
  }

  @Get(':paymentId/expenses')
  expenses(@CurrentCaller() caller: Caller, @Param() params: unknown): Promise<Movement[]> {
    return this.lines(caller, 'expenses', params);
  }

  @Post(':paymentId/incomes')
  @HttpCode(201)
  addIncome(@CurrentCaller() caller: Caller, @Param() params: unknown, @Body() body: unknown): Promise<Movement> {
    return this.addLine(caller, 'incomes', params, body);
  }

  @Post(':paymentId/expenses')
  @HttpCode(201)
  addExpense(@CurrentCaller() caller: Caller, @Param() params: unknown, @Body() body: unknown): Promise<Movement> {
    return this.addLine(caller, 'expenses', params, body);
  }

  @Patch(':paymentId/incomes/:movementId')
  updateIncome(@CurrentCaller() caller: Caller, @Param() params: unknown, @Body() body: unknown): Promise<Movement> {
    return this.updateLine(caller, 'incomes', params, body);
  }

  @Patch(':paymentId/expenses/:movementId')
  updateExpense(@CurrentCaller() caller: Caller, @Param() params: unknown, @Body() body: unknown): Promise<Movement> {
    return this.updateLine(caller, 'expenses', params, body);
  }

  @Delete(':paymentId/incomes/:movementId')
  @HttpCode(204)
  async removeIncome(
    @CurrentCaller() caller: Caller,
    @Param() params: unknown,
    @Query() query: unknown,
  ): Promise<void> {
    await this.removeLine(caller, 'incomes', params, query);
  }

  @Delete(':paymentId/expenses/:movementId')
  @HttpCode(204)
  async removeExpense(
    @CurrentCaller() caller: Caller,
    @Param() params: unknown,
    @Query() query: unknown,
  ): Promise<void> {
    await this.removeLine(caller, 'expenses', params, query);
  }

  private lines(caller: Caller, direction: MovementDirection, params: unknown): Promise<Movement[]> {
    const { dealId, policyId, paymentId } = parseInput(paymentParamsSchema, params, 'path');
    return this.payments.lines(caller, direction, dealId, policyId, paymentId);
  }

  private addLine(caller: Caller, direction: MovementDirection, params: unknown, body: unknown): Promise<Movement> {
    const { dealId, policyId, paymentId } = parseInput(paymentParamsSchema, params, 'path');
    const input = parseInput(createMovementRequestSchema, body, 'body');
    return this.payments.addLine(caller, direction, dealId, policyId, paymentId, input);
  }

  private updateLine(caller: Caller, direction: MovementDirection, params: unknown, body: unknown): Promise<Movement> {
    const { dealId, policyId, paymentId, movementId } = parseInput(movementParamsSchema, params, 'path');
    const input = parseInput(updateMovementRequestSchema, body, 'body');
    return this.payments.updateLine(caller, direction, dealId, policyId, paymentId, movementId, input);
  }

  private removeLine(caller: Caller, direction: MovementDirection, params: unknown, query: unknown): Promise<void> {
    const { dealId, policyId, paymentId, movementId } = parseInput(movementParamsSchema, params, 'path');
    const { deletedById } = parseInput(deleteMovementQuerySchema, normalizeQuery(query), 'query');
    return this.payments.removeLine(caller, direction, dealId, policyId, paymentId, movementId, deletedById);
  }
}

/** A policy's cash-flow summary: premium, commission, payouts and the agency's result. */
@Controller('api/v1/crm/deals/:dealId/policies/:policyId/cash-flow')
export class PolicyCashFlowController {
  constructor(private readonly payments: PaymentService) {}

  @Get()
  cashFlow(@CurrentCaller() caller: Caller, @Param() params: unknown): Promise<PolicyCashFlow> {
    const { dealId, policyId } = parseInput(paymentListParamsSchema, params, 'path');
    return this.payments.cashFlow(caller, dealId, policyId);
  }
}
