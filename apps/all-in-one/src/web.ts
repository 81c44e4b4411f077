import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import nextModule from 'next';
import { webDir } from './paths.js';

// `next` is CommonJS whose module.exports is the server factory; TypeScript's view of its default
// import under NodeNext is the whole module, so name the factory's type explicitly.
const createNextServer = nextModule as unknown as typeof import('next/dist/server/next.js').default;

export interface RunningWeb {
  name: string;
  url: string;
  close(): Promise<void>;
}

/** Serves the built web app (Next.js production server) in this process. */
export async function startWeb(options: { port: number; host: string }): Promise<RunningWeb | undefined> {
  if (!existsSync(join(webDir, '.next', 'BUILD_ID'))) return undefined;
  const app = createNextServer({ dev: false, dir: webDir, hostname: options.host, port: options.port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    name: 'web',
    url: `http://localhost:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
}
