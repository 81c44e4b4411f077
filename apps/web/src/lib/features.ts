import { ROLES } from '@polis/contracts';

export type SectionKey = 'deals' | 'clients' | 'tasks' | 'payments' | 'reports' | 'admin';

export interface Section {
  key: SectionKey;
  href: string;
  /** Any of these roles opens the section; empty = every signed-in user. */
  roles: readonly string[];
}

/**
 * Which screens exist. A section appears in the navigation once its screen and service are
 * shipped; until then it stays hidden rather than leading to an empty page.
 */
export const FEATURES: Readonly<Record<SectionKey, boolean>> = {
  deals: true,
  clients: true,
  tasks: true,
  payments: true,
  reports: false,
  admin: true,
};

export const SECTIONS: readonly Section[] = [
  { key: 'deals', href: '/deals', roles: [] },
  { key: 'clients', href: '/clients', roles: [] },
  { key: 'tasks', href: '/tasks', roles: [] },
  { key: 'payments', href: '/payments', roles: [] },
  { key: 'reports', href: '/reports', roles: [ROLES.ADMIN] },
  { key: 'admin', href: '/admin/users', roles: [ROLES.ADMIN] },
];

export function hasAnyRole(userRoles: readonly string[], required: readonly string[]): boolean {
  return required.length === 0 || required.some((role) => userRoles.includes(role));
}

/** The sections this user may open today. */
export function availableSections(
  userRoles: readonly string[],
  features: Readonly<Record<SectionKey, boolean>> = FEATURES,
): Section[] {
  return SECTIONS.filter((section) => features[section.key] && hasAnyRole(userRoles, section.roles));
}
