import { describe, expect, it } from 'vitest';
import { availableSections, FEATURES } from './features';

describe('availableSections', () => {
  it('shows admins only the sections that exist today', () => {
    expect(availableSections(['ROLE_USER', 'ROLE_ADMIN']).map((section) => section.key)).toEqual(['admin']);
  });

  it('hides Admin from everyone else', () => {
    expect(availableSections(['ROLE_USER', 'ROLE_SALES_AGENT'])).toEqual([]);
  });

  it('shows a section once its feature is switched on, to the roles it is for', () => {
    const features = { ...FEATURES, deals: true, reports: true };
    expect(availableSections(['ROLE_USER', 'ROLE_EXECUTOR'], features).map((section) => section.key)).toEqual([
      'deals',
    ]);
    expect(availableSections(['ROLE_ADMIN'], features).map((section) => section.key)).toEqual([
      'deals',
      'reports',
      'admin',
    ]);
  });
});
