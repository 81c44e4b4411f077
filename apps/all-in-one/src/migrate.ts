/** `npm run migrate`: applies every service's migrations to DATABASE_URL, or to the embedded database. */
import { openInfrastructure } from './embedded.js';
import { migrateAll } from './migrate-all.js';

const infra = await openInfrastructure();
try {
  const applied = await migrateAll(infra.db);
  for (const [service, files] of Object.entries(applied)) {
    console.log(`${service}: ${files.length === 0 ? 'up to date' : `applied ${files.join(', ')}`}`);
  }
} finally {
  await infra.close();
}
