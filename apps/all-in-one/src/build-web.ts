/**
 * Part of `npm run build`: builds the web app with `next build` unless its last build is newer than
 * every source it depends on, so `npm start` rebuilds only after a change.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { webDir, workspaceRoot } from './paths.js';

function newestChange(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === '.next' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestChange(join(path, entry)));
  }
  return newest;
}

const buildId = join(webDir, '.next', 'BUILD_ID');
const sources = [
  join(webDir, 'src'),
  join(webDir, 'messages'),
  join(webDir, 'public'),
  join(webDir, 'next.config.ts'),
  join(webDir, 'package.json'),
  join(workspaceRoot, 'packages', 'contracts', 'src'),
];
const builtAt = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
const changedAt = Math.max(...sources.map(newestChange));

if (builtAt > changedAt && process.env.POLIS_FORCE_WEB_BUILD !== 'true') {
  console.log('web app: up to date');
} else {
  console.log('web app: building (next build)…');
  const result = spawnSync(
    process.execPath,
    [join(workspaceRoot, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'],
    {
      cwd: webDir,
      stdio: 'inherit',
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
}
