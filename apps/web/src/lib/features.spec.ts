import { describe, expect, it } from 'vitest';
import { availableSections, FEATURES, type SectionKey } from './features';

/** Only Admin switched on: the rules are tested apart from which screens ship today. */
const ADMIN_ONLY: Record<SectionKey, boolean> = {
  deals: false,
  clients: false,
  tasks: false,
  payments: false,
  reports: false,
  admin: true,
};

describe('availableSections', () => {
  it('shows only the sections that are switched on', () => {
    expect(availableSections(['ROLE_USER', 'ROLE_ADMIN'], ADMIN_ONLY).map((section) => section.key)).toEqual(['admin']);
  });

  it('hides Admin from everyone else', () => {
    expect(availableSections(['ROLE_USER', 'ROLE_SALES_AGENT'], ADMIN_ONLY)).toEqual([]);
    expect(availableSections(['ROLE_USER', 'ROLE_SALES_AGENT']).map((section) => section.key)).not.toContain('admin');
  });

  it('shows a section once its feature is switched on, to the roles it is for', () => {
    const features = { ...ADMIN_ONLY, deals: true, reports: true };
    expect(availableSections(['ROLE_USER', 'ROLE_EXECUTOR'], features).map((section) => section.key)).toEqual([
      'deals',
    ]);
    expect(availableSections(['ROLE_ADMIN'], features).map((section) => section.key)).toEqual([
      'deals',
      'reports',
      'admin',
    ]);
  });

  it('ships the deals funnel and the clients', () => {
    expect(FEATURES.deals).toBe(true);
    expect(FEATURES.clients).toBe(true);
  });
});
