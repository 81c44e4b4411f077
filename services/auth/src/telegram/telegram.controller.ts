import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentUser, type Principal, Roles } from '@polis/auth-kit';
import {
  ROLES,
  type TelegramBinding,
  type TelegramLinkCodeResponse,
  type TelegramLinkResponse,
  type TelegramStatus,
  telegramIdParamSchema,
  telegramLinkRequestSchema,
  telegramUnlinkQuerySchema,
  userIdParamSchema,
} from '@polis/contracts';
import { parseInput } from '@polis/platform';
import { Meta, type RequestMeta } from '../common/request-meta.js';
import { TelegramService } from './telegram.service.js';

/** What a signed-in user does with their own Telegram link, and the bot's confirmation call. */
@Controller('api/v1/auth/telegram')
export class TelegramController {
  constructor(private readonly telegram: TelegramService) {}

  @Post('link-code')
  @HttpCode(201)
  createLinkCode(@CurrentUser() principal: Principal): Promise<TelegramLinkCodeResponse> {
    return this.telegram.createLinkCode(principal);
  }

  @Roles(ROLES.SERVICE)
  @Post('link')
  @HttpCode(200)
  link(
    @CurrentUser() principal: Principal,
    @Body() body: unknown,
    @Meta() meta: RequestMeta,
  ): Promise<TelegramLinkResponse> {
    return this.telegram.link(principal, parseInput(telegramLinkRequestSchema, body, 'body'), meta);
  }

  @Delete('link')
  @HttpCode(204)
  async unlink(@CurrentUser() principal: Principal, @Query() query: unknown, @Meta() meta: RequestMeta): Promise<void> {
    const { userId } = parseInput(telegramUnlinkQuerySchema, query ?? {}, 'query');
    await this.telegram.unlink(principal, userId, meta);
  }

  @Get('status')
  status(@CurrentUser() principal: Principal): Promise<TelegramStatus> {
    return this.telegram.status(principal);
  }
}

/** The bot's look-ups (machine routes, never exposed by the Gateway). */
@Roles(ROLES.SERVICE)
@Controller('internal/v1/telegram')
export class TelegramInternalController {
  constructor(private readonly telegram: TelegramService) {}

  @Get('users/:telegramId')
  byTelegramId(@Param('telegramId') telegramId: string): Promise<TelegramBinding> {
    return this.telegram.byTelegramId(parseInput(telegramIdParamSchema, telegramId, 'telegramId'));
  }

  @Get('bindings/:userId')
  byUserId(@Param('userId') userId: string): Promise<TelegramBinding> {
    return this.telegram.byUserId(parseInput(userIdParamSchema, userId, 'userId'));
  }
}
