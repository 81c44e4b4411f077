/** `npm run seed`: migrates, then loads the demo agency's data (idempotent). */
import { loadAuthConfig } from '@polis/auth';
import { openInfrastructure } from './embedded.js';
import { migrateAll } from './migrate-all.js';
import { seedDemo } from './seed-all.js';

const infra = await openInfrastructure();
try {
  await migrateAll(infra.db);
  const seeded = await seedDemo(infra.db, loadAuthConfig(process.env));
  console.log(
    seeded.users.length === 0 ? 'demo data already present' : `demo users created: ${seeded.users.join(', ')}`,
  );
} finally {
  await infra.close();
}
