import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { Public, Roles } from '@polis/auth-kit';
import {
  type AccessTokenResponse,
  ROLES,
  serviceTokenRequestSchema,
  telegramTokenRequestSchema,
} from '@polis/contracts';
import { parseInput } from '@polis/platform';
import { Meta, type RequestMeta } from '../common/request-meta.js';
import { TelegramService } from '../telegram/telegram.service.js';
import { ServiceTokenService } from './service-token.service.js';

/** Tokens for machines: client credentials, and user tokens the bot takes for linked users. */
@Controller('internal/v1/auth')
export class InternalTokenController {
  constructor(
    private readonly serviceTokens: ServiceTokenService,
    private readonly telegram: TelegramService,
  ) {}

  @Public()
  @Post('service-token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  serviceToken(@Body() body: unknown, @Meta() meta: RequestMeta): Promise<AccessTokenResponse> {
    return this.serviceTokens.issue(parseInput(serviceTokenRequestSchema, body, 'body'), meta);
  }

  @Roles(ROLES.SERVICE)
  @Post('telegram/token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  telegramToken(@Body() body: unknown): Promise<AccessTokenResponse> {
    return this.telegram.tokenFor(parseInput(telegramTokenRequestSchema, body, 'body').telegramId);
  }
}
