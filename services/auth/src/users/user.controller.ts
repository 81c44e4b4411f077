import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { CurrentUser, type Principal, Roles } from '@polis/auth-kit';
import {
  addRoleRequestSchema,
  type DirectoryEntry,
  type InviteResponse,
  inviteRequestSchema,
  ROLES,
  roleParamSchema,
  type User,
  type UsersPage,
  updateUserRequestSchema,
  userIdParamSchema,
  usersQuerySchema,
} from '@polis/contracts';
import { parseInput } from '@polis/platform';
import { actorOf } from '../common/actor.js';
import { Meta, type RequestMeta } from '../common/request-meta.js';
import { UserService } from './user.service.js';

const userId = (id: unknown) => parseInput(userIdParamSchema, id, 'id');

@Controller('api/v1/users')
export class UserController {
  constructor(private readonly users: UserService) {}

  @Roles(ROLES.ADMIN)
  @Post()
  @HttpCode(201)
  invite(
    @CurrentUser() principal: Principal,
    @Body() body: unknown,
    @Meta() meta: RequestMeta,
  ): Promise<InviteResponse> {
    return this.users.invite(actorOf(principal, meta), parseInput(inviteRequestSchema, body, 'body'));
  }

  @Roles(ROLES.ADMIN)
  @Get()
  list(@Query() query: unknown): Promise<UsersPage> {
    return this.users.list(parseInput(usersQuerySchema, query ?? {}, 'query'));
  }

  /** Every signed-in user: enabled people for pickers (assignee, deal team). */
  @Get('directory')
  directory(): Promise<DirectoryEntry[]> {
    return this.users.directory();
  }

  @Roles(ROLES.ADMIN)
  @Get(':id')
  get(@Param('id') id: string): Promise<User> {
    return this.users.get(userId(id));
  }

  @Roles(ROLES.ADMIN)
  @Patch(':id')
  update(
    @CurrentUser() principal: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Meta() meta: RequestMeta,
  ): Promise<User> {
    const target = userId(id);
    return this.users.update(actorOf(principal, meta), target, parseInput(updateUserRequestSchema, body, 'body'));
  }

  @Roles(ROLES.ADMIN)
  @Post(':id/invite')
  @HttpCode(200)
  reinvite(
    @CurrentUser() principal: Principal,
    @Param('id') id: string,
    @Meta() meta: RequestMeta,
  ): Promise<InviteResponse> {
    return this.users.reinvite(actorOf(principal, meta), userId(id));
  }

  @Roles(ROLES.ADMIN)
  @Post(':id/roles')
  @HttpCode(200)
  addRole(
    @CurrentUser() principal: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Meta() meta: RequestMeta,
  ): Promise<User> {
    const target = userId(id);
    const { roleName } = parseInput(addRoleRequestSchema, body, 'body');
    return this.users.addRole(actorOf(principal, meta), target, roleName);
  }

  @Roles(ROLES.ADMIN)
  @Delete(':id/roles/:role')
  removeRole(
    @CurrentUser() principal: Principal,
    @Param('id') id: string,
    @Param('role') role: string,
    @Meta() meta: RequestMeta,
  ): Promise<User> {
    const target = userId(id);
    return this.users.removeRole(actorOf(principal, meta), target, parseInput(roleParamSchema, role, 'role'));
  }
}
