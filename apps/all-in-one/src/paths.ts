import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is at apps/all-in-one/dist/paths.js once built). */
export const workspaceRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');
export const webDir = join(workspaceRoot, 'apps', 'web');
