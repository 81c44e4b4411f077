'use client';

import type { ReactNode } from 'react';
import { hasAnyRole } from '@/lib/features';
import { useMe } from '@/lib/queries';
import { ForbiddenView } from './forbidden.view';

/** Renders children only for users holding one of `roles`; everyone else gets the 403 page. */
export function RequireRole({ roles, children }: { roles: readonly string[]; children: ReactNode }) {
  const me = useMe();
  if (!me.data) return null;
  const userRoles = me.data.roles.map((role) => role.name);
  return hasAnyRole(userRoles, roles) ? children : <ForbiddenView />;
}
