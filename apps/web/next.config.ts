import type { NextConfig } from 'next';
import createNextIntlPlugin from 'next-intl/plugin';

const withNextIntl = createNextIntlPlugin('./src/i18n/request.ts');

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The contracts are TypeScript sources of the monorepo (see tsconfig paths), compiled with the app.
  transpilePackages: ['@polis/contracts'],
  experimental: {
    // Workspace sources use NodeNext-style `./x.js` imports that point at `./x.ts`.
    extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
    optimizePackageImports: ['@mantine/core', '@mantine/hooks'],
  },
  // Biome lints this workspace; Next's ESLint step has nothing to run.
  eslint: { ignoreDuringBuilds: true },
};

export default withNextIntl(nextConfig);
