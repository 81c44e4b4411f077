import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

// Workspace packages resolve to their TypeScript sources, so tests never need a build first.
const workspaceAlias = [
  { find: /^@polis\/(auth|crm|gateway|documents|tasks)$/, replacement: `${root}services/$1/src/index.ts` },
  { find: /^@polis\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
];

export default defineConfig({
  test: {
    // Node: packages, services and the launcher (SWC for Nest decorators). Web: the Next.js app in jsdom.
    projects: [
      {
        plugins: [
          swc.vite({
            jsc: {
              parser: { syntax: 'typescript', decorators: true },
              transform: { legacyDecorator: true, decoratorMetadata: true },
              target: 'es2022',
            },
          }),
        ],
        resolve: { alias: workspaceAlias },
        test: {
          name: 'node',
          include: [
            'packages/*/src/**/*.spec.ts',
            'packages/*/test/**/*.spec.ts',
            'services/*/src/**/*.spec.ts',
            'services/*/test/**/*.spec.ts',
            'apps/all-in-one/test/**/*.spec.ts',
          ],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
          maxWorkers: 2,
          setupFiles: [`${root}packages/testing/src/setup.ts`],
        },
      },
      'apps/web/vitest.config.ts',
    ],
    maxWorkers: 2,
  },
});
