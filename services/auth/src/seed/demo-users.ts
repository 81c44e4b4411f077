import { ROLES } from '@polis/contracts';
import { type BootstrapDeps, ensureUser } from '../bootstrap/bootstrap-admin.js';

/** The demo agency's people (domain.md §5). Everyone signs in with the demo password. */
export const DEMO_PASSWORD = 'Passw0rd!';

export const DEMO_USERS = [
  {
    id: 'b342f7f5-0d59-4cdd-bc17-5e2d6c3fb001',
    email: 'anna.admin@example.com',
    fullName: 'Анна Белова',
    roles: [ROLES.ADMIN],
  },
  {
    id: '0c1cc9fb-50a7-4b15-a765-2251c0633004',
    email: 'pavel.finance@example.com',
    fullName: 'Павел Соколов',
    roles: [ROLES.ADMIN],
  },
  {
    id: 'e94f8a3a-2b1d-4d1f-a42e-3056c9cf5002',
    email: 'sergey.seller@example.com',
    fullName: 'Сергей Волков',
    roles: [ROLES.SALES_AGENT],
  },
  {
    id: '6fda31ff-7b74-4ba0-9188-8d6504b63005',
    email: 'olga.lead@example.com',
    fullName: 'Ольга Кузнецова',
    roles: [ROLES.SALES_AGENT],
  },
  {
    id: '709cb79d-9ac3-4a56-88ac-9a8bc7033003',
    email: 'elena.executor@example.com',
    fullName: 'Елена Морозова',
    roles: [ROLES.EXECUTOR],
  },
  {
    id: '3f0d5c2e-8a41-4e7b-9c6d-1b2a3c4d5006',
    email: 'dmitry.lebedev@example.com',
    fullName: 'Дмитрий Лебедев',
    roles: [ROLES.SALES_AGENT, ROLES.EXECUTOR],
  },
] as const;

/** Creates the demo users that do not exist yet; answers the emails it created. Idempotent. */
export async function seedDemoUsers(deps: BootstrapDeps): Promise<string[]> {
  const created: string[] = [];
  for (const user of DEMO_USERS) {
    const made = await ensureUser(deps, {
      id: user.id,
      email: user.email,
      fullName: user.fullName,
      password: DEMO_PASSWORD,
      roles: [...user.roles],
      auditKey: 'auth.user.created',
    });
    if (made) created.push(user.email);
  }
  return created;
}
