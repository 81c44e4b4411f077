/**
 * `npm start`: every service in one process on embedded infrastructure (PGlite in ./data,
 * in-process bus, cache and jobs). First start migrates, creates the main admin (password printed
 * once) and loads the demo data; later starts keep the data.
 */

import { join } from 'node:path';
import { createAuthService, loadAuthConfig, userIdByEmail } from '@polis/auth';
import { createCache } from '@polis/cache';
import { createCrmService, HttpDocumentsClient, loadCrmConfig } from '@polis/crm';
import { createDocumentsService, loadDocumentsConfig } from '@polis/documents';
import { createGatewayService, loadGatewayConfig } from '@polis/gateway';
import { closeOnSignals, createLogger, type RunningService, startTracing } from '@polis/platform';
import { createTasksService, loadTasksConfig } from '@polis/tasks';
import { openInfrastructure } from './embedded.js';
import { migrateAll } from './migrate-all.js';
import { ensureAdmin, seedDemo } from './seed-all.js';
import { startWeb } from './web.js';

async function main(): Promise<void> {
  const env = process.env;
  const logger = createLogger({ service: 'polis' });
  const tracing = await startTracing({ serviceName: 'polis' });
  const infra = await openInfrastructure(env);
  const running: Array<Pick<RunningService, 'name' | 'url' | 'close'>> = [];
  closeOnSignals(
    [
      {
        async close() {
          await infra.close();
          await tracing.shutdown();
        },
      },
      { close: () => Promise.all(running.map((service) => service.close())).then(() => undefined) },
    ],
    logger,
  );

  await migrateAll(infra.db);
  const authConfig = loadAuthConfig(env);
  const admin = await ensureAdmin(infra.db, authConfig, env);
  if (admin.created) await seedDemo(infra.db, authConfig);

  const { db, bus, cache } = infra;
  const auth = await createAuthService({ config: authConfig, db, bus, cache, logger });
  running.push(auth);
  // CRM checks policy-document links with Documents, which starts after it (it needs CRM's address).
  let documentsUrl = '';
  const crmConfig = loadCrmConfig(env);
  const crm = await createCrmService({
    config: crmConfig,
    db,
    bus,
    cache,
    logger,
    documents: new HttpDocumentsClient(() => documentsUrl, crmConfig.documents.timeoutMs),
  });
  running.push(crm);
  const tasks = await createTasksService({
    // The main admin receives escalations; embedded mode knows who that is.
    config: loadTasksConfig({
      TASKS_CRM_BASE_URL: crm.url,
      TASKS_MAIN_ADMIN_USER_ID: (await userIdByEmail(db, admin.email)) ?? '',
      ...env,
    }),
    db,
    bus,
    cache,
    logger,
  });
  running.push(tasks);
  // Documents' cache keys carry no service prefix of their own.
  const documentsCache = createCache({ url: env.REDIS_URL || undefined, keyPrefix: 'documents:' });
  const documents = await createDocumentsService({
    config: loadDocumentsConfig({
      DOCUMENTS_STORAGE_ROOT: join(infra.dataDir, 'documents'),
      DOCUMENTS_CRM_BASE_URL: crm.url,
      ...env,
    }),
    db,
    bus,
    cache: documentsCache,
    authCache: cache,
    jobs: infra.jobs,
    logger,
  });
  documentsUrl = documents.url;
  running.push({
    name: documents.name,
    url: documents.url,
    async close() {
      await documents.close();
      await documentsCache.close();
    },
  });
  running.push(
    await createGatewayService({
      config: loadGatewayConfig(env),
      cache,
      logger,
      upstreams: {
        auth: { baseUrl: auth.url },
        crm: { baseUrl: crm.url },
        tasks: { baseUrl: tasks.url },
        documents: { baseUrl: documents.url },
      },
    }),
  );
  const web = await startWeb({ port: Number(env.FRONTEND_PORT || 3000), host: env.FRONTEND_HOST || '0.0.0.0' });
  if (web) running.push(web);
  else logger.warn('the web app is not built (npm run build builds it); serving the API only');

  printBanner(infra.dataDir, running, admin);
}

function printBanner(
  dataDir: string,
  running: Array<Pick<RunningService, 'name' | 'url'>>,
  admin: Awaited<ReturnType<typeof ensureAdmin>>,
): void {
  const lines = ['', `Polis is running (embedded mode, data in ${dataDir})`];
  for (const service of running) lines.push(`  ${service.name.padEnd(12)} ${publicUrl(service.url)}`);
  if (admin.password) {
    lines.push(
      '',
      `Main admin: ${admin.email}`,
      `Password:   ${admin.password}   (shown only now; the first sign-in asks for a new one)`,
    );
    lines.push('Demo users (@example.com) sign in with Passw0rd!');
  } else {
    lines.push(
      '',
      `Main admin: ${admin.email} (its password was printed on the first start)`,
      `Forgotten? Stop Polis, then: npm run auth-admin -- recover --email ${admin.email}`,
    );
  }
  lines.push('Stop with Ctrl-C.', '');
  console.log(lines.join('\n'));
}

function publicUrl(url: string): string {
  return url.replace('://127.0.0.1:', '://localhost:').replace('://0.0.0.0:', '://localhost:');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
