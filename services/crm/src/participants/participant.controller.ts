import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  addParticipantRequestSchema,
  dealIdParamsSchema,
  type Participant,
  participantParamsSchema,
} from '@polis/contracts';
import { parseInput } from '@polis/platform';
import type { Caller } from '../common/caller.js';
import { CurrentCaller } from '../common/principal.js';
import { ParticipantService } from './participant.service.js';

@Controller('api/v1/crm/deals/:dealId/participants')
export class ParticipantController {
  constructor(private readonly participants: ParticipantService) {}

  @Get()
  list(@CurrentCaller() caller: Caller, @Param() params: unknown): Promise<Participant[]> {
    const { dealId } = parseInput(dealIdParamsSchema, params, 'path');
    return this.participants.list(caller, dealId);
  }

  @Post()
  @HttpCode(201)
  add(@CurrentCaller() caller: Caller, @Param() params: unknown, @Body() body: unknown): Promise<Participant> {
    const { dealId } = parseInput(dealIdParamsSchema, params, 'path');
    const { userId } = parseInput(addParticipantRequestSchema, body, 'body');
    return this.participants.add(caller, dealId, userId);
  }

  @Delete(':userId')
  @HttpCode(204)
  async remove(@CurrentCaller() caller: Caller, @Param() params: unknown): Promise<void> {
    const { dealId, userId } = parseInput(participantParamsSchema, params, 'path');
    await this.participants.remove(caller, dealId, userId);
  }
}
