'use client';

import { useTranslations } from 'next-intl';
import { useCallback } from 'react';
import { isOneOf } from '@/lib/format';

const KNOWN_ROLES = ['ROLE_USER', 'ROLE_ADMIN', 'ROLE_SALES_AGENT', 'ROLE_EXECUTOR', 'ROLE_SERVICE'] as const;
type KnownRole = (typeof KNOWN_ROLES)[number];

function isKnownRole(name: string): name is KnownRole {
  return isOneOf(KNOWN_ROLES, name);
}

/** A role's name for people; roles an admin created later keep their technical name. */
export function useRoleLabel(): (name: string) => string {
  const t = useTranslations('roles');
  return useCallback((name: string) => (isKnownRole(name) ? t(name) : name.replace(/^ROLE_/, '')), [t]);
}
