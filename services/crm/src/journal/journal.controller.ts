import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  appendJournalRequestSchema,
  dealIdParamsSchema,
  type JournalEntry,
  type JournalPage,
  journalQuerySchema,
} from '@polis/contracts';
import { normalizeQuery, parseInput } from '@polis/platform';
import type { Caller } from '../common/caller.js';
import { CurrentCaller } from '../common/principal.js';
import { JournalService } from './journal.service.js';

@Controller('api/v1/crm/deals/:dealId/journal')
export class JournalController {
  constructor(private readonly journal: JournalService) {}

  @Get()
  list(@CurrentCaller() caller: Caller, @Param() params: unknown, @Query() query: unknown): Promise<JournalPage> {
    const { dealId } = parseInput(dealIdParamsSchema, params, 'path');
    return this.journal.list(caller, dealId, parseInput(journalQuerySchema, normalizeQuery(query), 'query'));
  }

  @Post()
  @HttpCode(201)
  append(@CurrentCaller() caller: Caller, @Param() params: unknown, @Body() body: unknown): Promise<JournalEntry> {
    const { dealId } = parseInput(dealIdParamsSchema, params, 'path');
    return this.journal.append(caller, dealId, parseInput(appendJournalRequestSchema, body, 'body'));
  }
}
