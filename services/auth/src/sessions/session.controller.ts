import { Body, Controller, Get, Header, Headers, HttpCode, Post } from '@nestjs/common';
import { CurrentUser, type Principal, Public, readCookie } from '@polis/auth-kit';
import {
  activateRequestSchema,
  changePasswordRequestSchema,
  loginRequestSchema,
  logoutRequestSchema,
  refreshRequestSchema,
  registerRequestSchema,
  type TokenPair,
  type User,
} from '@polis/contracts';
import { parseInput } from '@polis/platform';
import { Meta, type RequestMeta } from '../common/request-meta.js';
import { SessionService } from './session.service.js';

/** The web app's refresh token in cookie mode (set by the Gateway, Path=/api/v1/auth). */
export const REFRESH_TOKEN_COOKIE = 'crm_refresh_token';

@Controller('api/v1/auth')
export class SessionController {
  constructor(private readonly sessions: SessionService) {}

  @Public()
  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  login(@Body() body: unknown, @Meta() meta: RequestMeta): Promise<TokenPair> {
    return this.sessions.login(parseInput(loginRequestSchema, body, 'body'), meta);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  refresh(
    @Body() body: unknown,
    @Headers('cookie') cookie: string | undefined,
    @Meta() meta: RequestMeta,
  ): Promise<TokenPair> {
    const input = parseInput(refreshRequestSchema, body ?? {}, 'body');
    return this.sessions.refresh(input.refreshToken ?? readCookie(cookie, REFRESH_TOKEN_COOKIE), meta);
  }

  @Post('logout')
  @HttpCode(204)
  async logout(
    @CurrentUser() principal: Principal,
    @Body() body: unknown,
    @Headers('cookie') cookie: string | undefined,
  ): Promise<void> {
    const input = parseInput(logoutRequestSchema, body ?? {}, 'body');
    await this.sessions.logout(principal, input, readCookie(cookie, REFRESH_TOKEN_COOKIE));
  }

  @Get('me')
  me(@CurrentUser() principal: Principal): Promise<User> {
    return this.sessions.me(principal);
  }

  @Post('password')
  @HttpCode(204)
  async changePassword(
    @CurrentUser() principal: Principal,
    @Body() body: unknown,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    await this.sessions.changePassword(principal, parseInput(changePasswordRequestSchema, body, 'body'), meta);
  }

  @Public()
  @Post('register')
  @HttpCode(201)
  register(@Body() body: unknown, @Meta() meta: RequestMeta): Promise<User> {
    this.sessions.assertRegistrationOpen();
    return this.sessions.register(parseInput(registerRequestSchema, body, 'body'), meta);
  }

  @Public()
  @Post('activate')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  activate(@Body() body: unknown, @Meta() meta: RequestMeta): Promise<TokenPair> {
    return this.sessions.activate(parseInput(activateRequestSchema, body, 'body'), meta);
  }
}
