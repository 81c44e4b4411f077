import { describe, expect, it } from 'vitest';
import { normalizeQuery } from './query.js';

describe('normalizeQuery', () => {
  it('merges k[] into k', () => {
    expect(normalizeQuery({ 'stage[]': ['a', 'b'], stage: 'c', limit: '5' })).toEqual({
      stage: ['a', 'b', 'c'],
      limit: '5',
    });
    expect(normalizeQuery(undefined)).toEqual({});
  });
});
