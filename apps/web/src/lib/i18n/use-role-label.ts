'use client';

import { useTranslations } from 'next-intl';
import { useCallback } from 'react';

const KNOWN_ROLES = ['ROLE_USER', 'ROLE_ADMIN', 'ROLE_SALES_AGENT', 'ROLE_EXECUTOR', 'ROLE_SERVICE'] as const;
type KnownRole = (typeof KNOWN_ROLES)[number];

function isKnownRole(name: string): name is KnownRole {
  return (KNOWN_ROLES as readonly string[]).includes(name);
}

/** A role's name for people; roles an admin created later keep their technical name. */
export function useRoleLabel(): (name: string) => string {
  const t = useTranslations('roles');
  return useCallback((name: string) => (isKnownRole(name) ? t(name) : name.replace(/^ROLE_/, '')), [t]);
}
