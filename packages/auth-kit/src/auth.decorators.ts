import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { Unauthorized } from '@polis/platform';
import type { Principal } from './principal.js';

export const IS_PUBLIC_KEY = 'polis:auth:public';
export const REQUIRED_ROLES_KEY = 'polis:auth:roles';

/** The route (or every route of the controller) needs no token. */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);

/** The caller must hold at least one of these roles (else 403 `forbidden`). */
export const Roles = (...roles: string[]) => SetMetadata(REQUIRED_ROLES_KEY, roles);

/** The request a guard has authenticated: the verified principal sits on `user`. */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  user?: Principal;
}

/** Injects the verified principal (undefined on `@Public()` routes). */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().user,
);

/**
 * A parameter decorator injecting the verified caller as a service's rules see it (`toCaller` maps
 * the principal); 401 when the route has no verified principal.
 */
export function callerDecorator<C>(toCaller: (principal: Principal) => C): () => ParameterDecorator {
  return createParamDecorator((_data: unknown, context: ExecutionContext): C => {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
    if (!principal) throw new Unauthorized();
    return toCaller(principal);
  });
}
