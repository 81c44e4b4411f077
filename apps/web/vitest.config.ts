import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('../..', import.meta.url));

export default defineProject({
  root: here,
  resolve: {
    alias: [
      { find: /^@\//, replacement: `${here}src/` },
      { find: /^@polis\/contracts$/, replacement: `${repo}packages/contracts/src/index.ts` },
    ],
  },
  // The tsconfig says `jsx: preserve` for Next; tests need the React 19 automatic runtime instead.
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  test: {
    name: 'web',
    environment: 'jsdom',
    include: ['src/**/*.spec.{ts,tsx}'],
    setupFiles: [`${here}vitest.setup.ts`],
    css: false,
    testTimeout: 30_000,
  },
});
