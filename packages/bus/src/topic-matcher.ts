/**
 * RabbitMQ topic-exchange matching. A key is split into words on `.`; the empty key has zero words
 * (as the broker splits it). In a pattern `*` stands for exactly one word and `#` for zero or more.
 */
export type TopicMatcher = (routingKey: string) => boolean;

function splitWords(value: string): string[] {
  return value === '' ? [] : value.split('.');
}

/** Compiles a binding pattern once, for matching many routing keys. */
export function compileTopicPattern(pattern: string): TopicMatcher {
  const patternWords = splitWords(pattern);
  return (routingKey) => matchWords(patternWords, splitWords(routingKey));
}

export function topicMatches(pattern: string, routingKey: string): boolean {
  return matchWords(splitWords(pattern), splitWords(routingKey));
}

/**
 * Dynamic programming over key prefixes: `reachable[j]` says whether the pattern words seen so far
 * can consume exactly the first `j` key words. Linear in pattern × key length, no backtracking blow-up
 * on patterns with many `#`.
 */
function matchWords(patternWords: readonly string[], keyWords: readonly string[]): boolean {
  const keyLength = keyWords.length;
  let reachable: boolean[] = new Array<boolean>(keyLength + 1).fill(false);
  reachable[0] = true;
  for (const word of patternWords) {
    const next: boolean[] = new Array<boolean>(keyLength + 1).fill(false);
    if (word === '#') {
      let seen = false;
      for (let j = 0; j <= keyLength; j++) {
        seen = seen || reachable[j] === true;
        next[j] = seen;
      }
    } else {
      for (let j = 1; j <= keyLength; j++) {
        next[j] = reachable[j - 1] === true && (word === '*' || word === keyWords[j - 1]);
      }
    }
    reachable = next;
  }
  return reachable[keyLength] === true;
}
