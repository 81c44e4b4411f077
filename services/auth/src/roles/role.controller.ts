import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CurrentUser, type Principal, Roles } from '@polis/auth-kit';
import { createRoleRequestSchema, ROLES, type Role } from '@polis/contracts';
import { parseInput } from '@polis/platform';
import { actorOf } from '../common/actor.js';
import { Meta, type RequestMeta } from '../common/request-meta.js';
import { RoleService } from './role.service.js';

@Controller('api/v1/roles')
export class RoleController {
  constructor(private readonly roles: RoleService) {}

  @Get()
  list(): Promise<Role[]> {
    return this.roles.list();
  }

  @Roles(ROLES.ADMIN)
  @Post()
  @HttpCode(201)
  create(@CurrentUser() principal: Principal, @Body() body: unknown, @Meta() meta: RequestMeta): Promise<Role> {
    return this.roles.create(actorOf(principal, meta), parseInput(createRoleRequestSchema, body, 'body'));
  }
}
