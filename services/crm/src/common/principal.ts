import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from '@polis/auth-kit';
import { Unauthorized } from '@polis/platform';
import { type Caller, callerOf } from './caller.js';

/** The verified caller of a guarded route, as CRM's rules see it. */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
  if (!principal) throw new Unauthorized();
  return callerOf(principal);
});
