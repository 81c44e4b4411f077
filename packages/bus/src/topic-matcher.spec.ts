import { describe, expect, it } from 'vitest';
import { compileTopicPattern, topicMatches } from './topic-matcher.js';

describe('topicMatches', () => {
  it.each([
    ['deal.created', 'deal.created', true],
    ['deal.created', 'deal.updated', false],
    ['deal.created', 'deal.created.v2', false],
    ['deal.#', 'deal', true],
    ['deal.#', 'deal.created', true],
    ['deal.#', 'deal.payment.updated', true],
    ['deal.#', 'dealer.created', false],
    ['deal.#', 'task.deal', false],
    ['*.created', 'deal.created', true],
    ['*.created', 'deal.payment.created', false],
    ['*.created', 'created', false],
    ['deal.*', 'deal', false],
    ['deal.*', 'deal.created', true],
    ['deal.*.created', 'deal.payment.created', true],
    ['deal.*.created', 'deal.created', false],
    ['#', 'deal.payment.income.created', true],
    ['#', 'jobs', true],
    ['#', '', true],
    ['a.#.z', 'a.z', true],
    ['a.#.z', 'a.b.z', true],
    ['a.#.z', 'a.b.c.d.z', true],
    ['a.#.z', 'a.b.c', false],
    ['a.#.z', 'z.a.z.y', false],
    ['#.z', 'z', true],
    ['#.z', 'a.b.z', true],
    ['#.#', 'a', true],
    ['#.*', '', false],
    ['#.*', 'a', true],
    ['*.#', 'a.b.c', true],
    ['*', '', false],
    ['*', 'a', true],
    ['*', 'a.b', false],
    ['', '', true],
    ['', 'a', false],
    ['a..b', 'a..b', true],
    ['a.*.b', 'a..b', true],
    ['a.*', 'a.', true],
  ])('pattern %j against key %j → %s', (pattern, key, expected) => {
    expect(topicMatches(pattern, key)).toBe(expected);
    expect(compileTopicPattern(pattern)(key)).toBe(expected);
  });

  it('treats other characters literally', () => {
    expect(topicMatches('deal-*.x', 'deal-a.x')).toBe(false);
    expect(topicMatches('deal-*.x', 'deal-*.x')).toBe(true);
  });

  it('stays fast on patterns full of #', () => {
    const pattern = Array.from({ length: 30 }, () => '#').join('.');
    const key = Array.from({ length: 200 }, (_, i) => `w${i}`).join('.');
    expect(topicMatches(`${pattern}.nope`, key)).toBe(false);
    expect(topicMatches(`${pattern}.w199`, key)).toBe(true);
  });
});
